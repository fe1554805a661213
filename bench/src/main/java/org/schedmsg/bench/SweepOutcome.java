package org.schedmsg.bench;

/**
 * A contestant's sweep: the highest rate it sustained (0: none), the first rate it failed (0: none
 * failed) and why.
 */
record SweepOutcome(int sustained, int failedAt, String why) {}

package org.schedmsg.cli.db;

import java.time.Instant;

/**
 * One row of {@code delivery_attempts} as an operator sees it: states and times, never content or
 * recipient.
 *
 * @param live an {@code in_flight} attempt whose lease has not run out: the message is being
 *     delivered right now and cannot be changed or cancelled until its outcome is recorded
 */
public record AttemptView(
    int attempt,
    String state,
    Instant claimedAt,
    Instant leaseUntil,
    Instant finishedAt,
    String errorMessage,
    boolean live) {}

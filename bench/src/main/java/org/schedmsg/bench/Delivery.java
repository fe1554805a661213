package org.schedmsg.bench;

import java.time.Instant;

/** A request the fake platform accepted, reduced to the recipient and the time it arrived. */
record Delivery(String recipient, Instant receivedAt) {}

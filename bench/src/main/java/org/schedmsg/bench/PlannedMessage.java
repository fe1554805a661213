package org.schedmsg.bench;

import java.time.Instant;
import java.util.UUID;

/**
 * One message a workload writes: its row id, the recipient the fake platform will see (unique per
 * message, so a received request maps back to its message), its priority and due time.
 */
public record PlannedMessage(UUID id, String recipient, int priority, Instant scheduledTime) {}

package org.schedmsg.cli.db;

import java.time.Instant;
import java.util.UUID;

/** What an operator sees of a row: identifiers, schedule and delivery state, no content. */
public record MessageView(
    UUID id,
    String platform,
    String status,
    int priority,
    Instant scheduledTime,
    Integer deliveryWindowSeconds,
    int attempts,
    Instant lastAttemptTime,
    Instant sentAt,
    Instant failedAt,
    String errorMessage,
    long rowVersion,
    ReceiptView receipt) {}

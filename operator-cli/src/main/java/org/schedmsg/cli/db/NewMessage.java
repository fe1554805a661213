package org.schedmsg.cli.db;

import java.time.Instant;
import java.util.UUID;
import org.schedmsg.contracts.Platform;

/** A row to schedule. Holds patient data: {@link #toString()} shows identity only. */
public record NewMessage(
    UUID id,
    Platform platform,
    String recipientId,
    String content,
    Instant scheduledTime,
    int priority,
    Integer deliveryWindowSeconds,
    String templateKey,
    String parametersJson,
    String metadataJson,
    String recurrenceJson) {

  @Override
  public String toString() {
    return "NewMessage{id="
        + id
        + ", platform="
        + platform
        + ", scheduledTime="
        + scheduledTime
        + ", priority="
        + priority
        + '}';
  }
}

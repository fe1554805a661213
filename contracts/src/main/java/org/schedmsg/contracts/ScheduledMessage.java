package org.schedmsg.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * The current state of one {@code public.scheduled_messages} row, as carried on the CDC topic.
 * Field names on the wire are the column names (snake_case). JSONB columns are JSON values, not
 * strings; timestamps are ISO-8601 UTC strings with microseconds.
 *
 * <p>Holds patient data: {@link #toString()} shows identity and scheduling fields only.
 */
public record ScheduledMessage(
    UUID id,
    UUID patientId,
    String recipientId,
    Platform platform,
    String messageContent,
    Instant scheduledTime,
    String templateKey,
    JsonNode parameters,
    JsonNode recurrencePattern,
    MessageStatus status,
    String errorMessage,
    Instant sentAt,
    Instant failedAt,
    Instant createdAt,
    Instant updatedAt,
    int attempts,
    Instant lastAttemptTime,
    int priority,
    JsonNode metadata,
    Integer deliveryWindowSeconds) {

  /** Default of the {@code priority} column; lower numbers are more urgent. */
  public static final int DEFAULT_PRIORITY = 5;

  public static final int HIGHEST_PRIORITY = 1;
  public static final int LOWEST_PRIORITY = 9;

  /**
   * The instant after which this message must never be sent, or {@code null} when it has no
   * delivery window.
   */
  public Instant deliveryDeadline() {
    return deliveryWindowSeconds == null ? null : scheduledTime.plusSeconds(deliveryWindowSeconds);
  }

  @Override
  public String toString() {
    return "ScheduledMessage{id="
        + id
        + ", platform="
        + platform
        + ", status="
        + status
        + ", scheduledTime="
        + scheduledTime
        + ", priority="
        + priority
        + ", attempts="
        + attempts
        + '}';
  }
}

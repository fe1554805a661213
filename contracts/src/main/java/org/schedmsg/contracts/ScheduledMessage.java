package org.schedmsg.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * The current state of one {@code public.scheduled_messages} row, as carried on the CDC topic.
 * Field names on the wire are the column names (snake_case). JSONB columns are JSON values, not
 * strings; timestamps are ISO-8601 UTC strings with microseconds.
 *
 * <p>{@code rowVersion} is the row's {@code row_version}: set to 1 on insert and raised by one on
 * every update by a trigger (migration V9), whatever the writer sets, so it never goes back. A
 * sender compares it at the claim and at every write.
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
    Integer deliveryWindowSeconds,
    long rowVersion) {

  /**
   * {@code row_version} of a row written before the column existed (or of a record that does not
   * carry it): no sender claims a release with this version.
   */
  public static final long UNKNOWN_VERSION = 0;

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
        + ", rowVersion="
        + rowVersion
        + '}';
  }
}

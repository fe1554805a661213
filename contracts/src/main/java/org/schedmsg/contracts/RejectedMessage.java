package org.schedmsg.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Value of the rejections topic (schema version {@value #SCHEMA_VERSION}), keyed by message id: the
 * scheduler decided that this message will never be released (delivery window expired, maximum
 * attempts reached, or a row that cannot be delivered). The scheduler has no database connection;
 * the platform's sender writes the row {@code failed} with {@link #reason()} as {@code
 * error_message} only while the row still holds {@link #rowVersion()} and is {@code pending}, so a
 * stale rejection changes nothing.
 *
 * @param rowVersion the row's {@code row_version} the scheduler decided on
 * @param reason short machine-readable reason, e.g. {@code delivery_window_expired}
 */
public record RejectedMessage(
    int schemaVersion,
    UUID messageId,
    Platform platform,
    int attempts,
    Instant scheduledTime,
    String reason,
    Instant rejectedAt,
    long rowVersion) {

  public static final int SCHEMA_VERSION = 1;

  /** The rejection of {@code message} at {@code now} for {@code reason}. */
  public static RejectedMessage of(ScheduledMessage message, String reason, Instant now) {
    return new RejectedMessage(
        SCHEMA_VERSION,
        message.id(),
        message.platform(),
        message.attempts(),
        message.scheduledTime(),
        reason,
        now,
        message.rowVersion());
  }
}

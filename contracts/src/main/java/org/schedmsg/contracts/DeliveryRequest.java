package org.schedmsg.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * Value of a per-platform delivery topic (schema version {@value #SCHEMA_VERSION}), keyed by
 * recipient id so that one recipient's messages stay in order.
 *
 * @param attempts the row's {@code attempts} when it was released; a sender claims the row only
 *     while it still holds this value
 * @param releasedAt when the scheduler released it
 * @param deliveryDeadline never send after this instant; null means no delivery window
 * @param rowVersion the row's {@code row_version} when it was released: a sender claims the row
 *     only while it still holds this version (0: a record from before versions, never claimed)
 */
public record DeliveryRequest(
    int schemaVersion,
    UUID messageId,
    Platform platform,
    String recipientId,
    String text,
    String templateKey,
    JsonNode parameters,
    JsonNode metadata,
    int priority,
    int attempts,
    Instant scheduledTime,
    Instant releasedAt,
    Instant deliveryDeadline,
    long rowVersion) {

  public static final int SCHEMA_VERSION = 1;

  /** The release of {@code message} at {@code releasedAt}. */
  public static DeliveryRequest of(ScheduledMessage message, Instant releasedAt) {
    return new DeliveryRequest(
        SCHEMA_VERSION,
        message.id(),
        message.platform(),
        message.recipientId(),
        message.messageContent(),
        message.templateKey(),
        message.parameters(),
        message.metadata(),
        message.priority(),
        message.attempts(),
        message.scheduledTime(),
        releasedAt,
        message.deliveryDeadline(),
        message.rowVersion());
  }

  /** True when {@code now} is past the delivery window. */
  public boolean isExpiredAt(Instant now) {
    return deliveryDeadline != null && now.isAfter(deliveryDeadline);
  }

  @Override
  public String toString() {
    return "DeliveryRequest{messageId="
        + messageId
        + ", platform="
        + platform
        + ", priority="
        + priority
        + ", attempts="
        + attempts
        + ", scheduledTime="
        + scheduledTime
        + ", releasedAt="
        + releasedAt
        + ", rowVersion="
        + rowVersion
        + '}';
  }
}

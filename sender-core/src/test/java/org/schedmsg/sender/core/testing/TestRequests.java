package org.schedmsg.sender.core.testing;

import java.time.Instant;
import java.util.UUID;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;

/** Delivery requests for tests. */
public final class TestRequests {
  public static final Instant SCHEDULED = Instant.parse("2026-11-28T09:00:00.123456Z");

  private TestRequests() {}

  /** A first release, scheduled at {@link #SCHEDULED}, with a one-minute window. */
  public static DeliveryRequest request(Platform platform, String recipientId, String text) {
    return request(UUID.randomUUID(), platform, recipientId, text, 0, SCHEDULED);
  }

  public static DeliveryRequest request(
      UUID id,
      Platform platform,
      String recipientId,
      String text,
      int attempts,
      Instant scheduledTime) {
    return new DeliveryRequest(
        DeliveryRequest.SCHEMA_VERSION,
        id,
        platform,
        recipientId,
        text,
        null,
        null,
        null,
        5,
        attempts,
        scheduledTime,
        scheduledTime,
        scheduledTime.plusSeconds(60));
  }

  /** {@code request} released again with {@code attempts} and no delivery window. */
  public static DeliveryRequest withAttempts(DeliveryRequest request, int attempts) {
    return new DeliveryRequest(
        request.schemaVersion(),
        request.messageId(),
        request.platform(),
        request.recipientId(),
        request.text(),
        request.templateKey(),
        request.parameters(),
        request.metadata(),
        request.priority(),
        attempts,
        request.scheduledTime(),
        request.releasedAt(),
        request.deliveryDeadline());
  }

  /** {@code request} with delivery deadline {@code deadline} (null: no window). */
  public static DeliveryRequest withDeadline(DeliveryRequest request, Instant deadline) {
    return new DeliveryRequest(
        request.schemaVersion(),
        request.messageId(),
        request.platform(),
        request.recipientId(),
        request.text(),
        request.templateKey(),
        request.parameters(),
        request.metadata(),
        request.priority(),
        request.attempts(),
        request.scheduledTime(),
        request.releasedAt(),
        deadline);
  }
}

package org.schedmsg.sender.core.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.serde.Json;

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
        scheduledTime.plusSeconds(60),
        1L);
  }

  /**
   * {@code request} released again after {@code attempts} recorded attempts: the row changed with
   * each, so its version is {@code 1 + attempts}.
   */
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
        request.deliveryDeadline(),
        1L + attempts);
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
        deadline,
        request.rowVersion());
  }

  /** The release of another row {@code id} due at {@code scheduledTime}, like {@code request}. */
  public static DeliveryRequest withId(DeliveryRequest request, UUID id, Instant scheduledTime) {
    return new DeliveryRequest(
        request.schemaVersion(),
        id,
        request.platform(),
        request.recipientId(),
        request.text(),
        request.templateKey(),
        request.parameters(),
        request.metadata(),
        request.priority(),
        0,
        scheduledTime,
        scheduledTime,
        scheduledTime.plusSeconds(60),
        1L);
  }

  /** {@code request} with {@code metadata} parsed from {@code json}. */
  public static DeliveryRequest withMetadata(DeliveryRequest request, String json) {
    return with(request, request.templateKey(), request.parameters(), parse(json));
  }

  /** {@code request} as a template message: {@code templateKey} and {@code parameters} (JSON). */
  public static DeliveryRequest withTemplate(
      DeliveryRequest request, String templateKey, String parametersJson) {
    return with(request, templateKey, parse(parametersJson), request.metadata());
  }

  private static DeliveryRequest with(
      DeliveryRequest r, String templateKey, JsonNode parameters, JsonNode metadata) {
    return new DeliveryRequest(
        r.schemaVersion(),
        r.messageId(),
        r.platform(),
        r.recipientId(),
        r.text(),
        templateKey,
        parameters,
        metadata,
        r.priority(),
        r.attempts(),
        r.scheduledTime(),
        r.releasedAt(),
        r.deliveryDeadline(),
        r.rowVersion());
  }

  /** {@code request} with priority {@code priority} (1 most urgent .. 9 bulk). */
  public static DeliveryRequest withPriority(DeliveryRequest r, int priority) {
    return new DeliveryRequest(
        r.schemaVersion(),
        r.messageId(),
        r.platform(),
        r.recipientId(),
        r.text(),
        r.templateKey(),
        r.parameters(),
        r.metadata(),
        priority,
        r.attempts(),
        r.scheduledTime(),
        r.releasedAt(),
        r.deliveryDeadline(),
        r.rowVersion());
  }

  /** {@code request} with row version {@code rowVersion}. */
  public static DeliveryRequest withRowVersion(DeliveryRequest r, long rowVersion) {
    return new DeliveryRequest(
        r.schemaVersion(),
        r.messageId(),
        r.platform(),
        r.recipientId(),
        r.text(),
        r.templateKey(),
        r.parameters(),
        r.metadata(),
        r.priority(),
        r.attempts(),
        r.scheduledTime(),
        r.releasedAt(),
        r.deliveryDeadline(),
        rowVersion);
  }

  /** {@code request} as the row holds it after an edit: new recipient and text, next version. */
  public static DeliveryRequest edited(DeliveryRequest r, String recipientId, String text) {
    return new DeliveryRequest(
        r.schemaVersion(),
        r.messageId(),
        r.platform(),
        recipientId,
        text,
        r.templateKey(),
        r.parameters(),
        r.metadata(),
        r.priority(),
        r.attempts(),
        r.scheduledTime(),
        r.releasedAt(),
        r.deliveryDeadline(),
        r.rowVersion() + 1);
  }

  private static JsonNode parse(String json) {
    try {
      return json == null ? null : Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON", e);
    }
  }
}

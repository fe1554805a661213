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
    Copy c = new Copy(request);
    c.attempts = attempts;
    c.rowVersion = 1L + attempts;
    return c.build();
  }

  /** {@code request} with delivery deadline {@code deadline} (null: no window). */
  public static DeliveryRequest withDeadline(DeliveryRequest request, Instant deadline) {
    Copy c = new Copy(request);
    c.deliveryDeadline = deadline;
    return c.build();
  }

  /** The release of another row {@code id} due at {@code scheduledTime}, like {@code request}. */
  public static DeliveryRequest withId(DeliveryRequest request, UUID id, Instant scheduledTime) {
    Copy c = new Copy(request);
    c.messageId = id;
    c.attempts = 0;
    c.scheduledTime = scheduledTime;
    c.releasedAt = scheduledTime;
    c.deliveryDeadline = scheduledTime.plusSeconds(60);
    c.rowVersion = 1L;
    return c.build();
  }

  /** {@code request} with {@code metadata} parsed from {@code json}. */
  public static DeliveryRequest withMetadata(DeliveryRequest request, String json) {
    Copy c = new Copy(request);
    c.metadata = parse(json);
    return c.build();
  }

  /** {@code request} as a template message: {@code templateKey} and {@code parameters} (JSON). */
  public static DeliveryRequest withTemplate(
      DeliveryRequest request, String templateKey, String parametersJson) {
    Copy c = new Copy(request);
    c.templateKey = templateKey;
    c.parameters = parse(parametersJson);
    return c.build();
  }

  /** {@code request} with priority {@code priority} (1 most urgent .. 9 bulk). */
  public static DeliveryRequest withPriority(DeliveryRequest request, int priority) {
    Copy c = new Copy(request);
    c.priority = priority;
    return c.build();
  }

  /** {@code request} with row version {@code rowVersion}. */
  public static DeliveryRequest withRowVersion(DeliveryRequest request, long rowVersion) {
    Copy c = new Copy(request);
    c.rowVersion = rowVersion;
    return c.build();
  }

  /** {@code request} as the row holds it after an edit: new recipient and text, next version. */
  public static DeliveryRequest edited(DeliveryRequest request, String recipientId, String text) {
    Copy c = new Copy(request);
    c.recipientId = recipientId;
    c.text = text;
    c.rowVersion = request.rowVersion() + 1;
    return c.build();
  }

  /** The fields of a request, to change a few and build another. */
  private static final class Copy {
    private final DeliveryRequest from;
    UUID messageId;
    String recipientId;
    String text;
    String templateKey;
    JsonNode parameters;
    JsonNode metadata;
    int priority;
    int attempts;
    Instant scheduledTime;
    Instant releasedAt;
    Instant deliveryDeadline;
    long rowVersion;

    Copy(DeliveryRequest from) {
      this.from = from;
      messageId = from.messageId();
      recipientId = from.recipientId();
      text = from.text();
      templateKey = from.templateKey();
      parameters = from.parameters();
      metadata = from.metadata();
      priority = from.priority();
      attempts = from.attempts();
      scheduledTime = from.scheduledTime();
      releasedAt = from.releasedAt();
      deliveryDeadline = from.deliveryDeadline();
      rowVersion = from.rowVersion();
    }

    DeliveryRequest build() {
      return new DeliveryRequest(
          from.schemaVersion(),
          messageId,
          from.platform(),
          recipientId,
          text,
          templateKey,
          parameters,
          metadata,
          priority,
          attempts,
          scheduledTime,
          releasedAt,
          deliveryDeadline,
          rowVersion);
    }
  }

  private static JsonNode parse(String json) {
    try {
      return json == null ? null : Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON", e);
    }
  }
}

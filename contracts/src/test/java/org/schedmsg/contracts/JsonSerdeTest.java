package org.schedmsg.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.serde.Json;

class JsonSerdeTest {
  static final Topics TOPICS = Topics.defaults();

  static ScheduledMessage sample() throws Exception {
    JsonNode params = Json.mapper().readTree("{\"dose\":\"10mg\"}");
    return new ScheduledMessage(
        UUID.fromString("8a6e0804-2bd0-4672-b79d-d97027f9071a"),
        UUID.fromString("1c1e8a0e-7f1a-4a4b-9a53-6c1d2a0b7a10"),
        "chat-4711",
        Platform.TELEGRAM,
        "Take your medication",
        Instant.parse("2026-11-28T08:00:00.123456Z"),
        "med_reminder",
        params,
        null,
        MessageStatus.PENDING,
        null,
        null,
        null,
        Instant.parse("2026-11-27T10:00:00Z"),
        null,
        0,
        null,
        1,
        null,
        60,
        2L);
  }

  @Test
  void shouldRoundTripChangeWhenSerialized() throws Exception {
    ScheduledMessageChange change =
        new ScheduledMessageChange(
            ScheduledMessageChange.SCHEMA_VERSION,
            "c",
            42L,
            Instant.parse("2026-11-27T10:00:00.000001Z"),
            sample());
    var serde = TOPICS.cdc().valueSerde();
    byte[] bytes = serde.serializer().serialize("t", change);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(change);
    String json = new String(bytes, StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"scheduled_time\":\"2026-11-28T08:00:00.123456Z\"")
        .contains("\"platform\":\"telegram\"")
        .contains("\"parameters\":{\"dose\":\"10mg\"}")
        .contains("\"schema_version\":1");
  }

  @Test
  void shouldRoundTripDeliveryRequestWhenSerialized() throws Exception {
    DeliveryRequest request =
        DeliveryRequest.of(sample(), Instant.parse("2026-11-28T08:00:00.200Z"));
    var serde = TOPICS.delivery(Platform.TELEGRAM).valueSerde();
    byte[] bytes = serde.serializer().serialize("t", request);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(request);
    assertThat(request.deliveryDeadline()).isEqualTo(Instant.parse("2026-11-28T08:01:00.123456Z"));
  }

  @Test
  void shouldRoundTripRejectionWhenSerialized() throws Exception {
    RejectedMessage rejection =
        RejectedMessage.of(
            sample(), "delivery_window_expired", Instant.parse("2026-11-28T08:05:00Z"));
    var serde = TOPICS.rejections().valueSerde();
    byte[] bytes = serde.serializer().serialize("t", rejection);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(rejection);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .contains("\"reason\":\"delivery_window_expired\"")
        .doesNotContain("chat-4711");
  }

  @Test
  void shouldKeepTombstoneNullWhenValueIsNull() {
    var serde = TOPICS.cdc().valueSerde();
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void shouldNameTypeButNotBytesWhenJsonIsInvalid() {
    var serde = TOPICS.cdc().valueSerde();
    byte[] bad = "{\"message\": secret-patient-text".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> serde.deserializer().deserialize("topic-x", bad))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("ScheduledMessageChange")
        .hasMessageNotContaining("secret-patient-text")
        .hasNoCause();
  }

  @Test
  void shouldHideContentAndRecipientWhenPrinted() throws Exception {
    ScheduledMessage message = sample();
    DeliveryRequest request = DeliveryRequest.of(message, Instant.now());
    ScheduledMessageChange change = new ScheduledMessageChange(1, "u", 1L, Instant.now(), message);
    for (Object o : new Object[] {message, request, change}) {
      assertThat(o.toString())
          .contains(message.id().toString())
          .doesNotContain("chat-4711")
          .doesNotContain("Take your medication")
          .doesNotContain("10mg")
          .doesNotContain(message.patientId().toString());
    }
  }

  @Test
  void shouldNameTopicsByNamespaceWhenBuilt() {
    Topics topics = Topics.of("test-1");
    assertThat(topics.cdc().name()).isEqualTo("test-1.cdc.scheduled-messages.v1");
    assertThat(topics.delivery(Platform.WHATSAPP).name()).isEqualTo("test-1.delivery.whatsapp.v1");
    assertThatThrownBy(() -> Topics.of("bad name")).isInstanceOf(IllegalArgumentException.class);
  }
}

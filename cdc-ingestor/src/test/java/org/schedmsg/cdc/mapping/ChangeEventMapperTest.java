package org.schedmsg.cdc.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.schedmsg.cdc.DebeziumSamples.MESSAGE_ID;
import static org.schedmsg.cdc.DebeziumSamples.SNAPSHOT_MESSAGE_ID;
import static org.schedmsg.cdc.DebeziumSamples.sample;
import static org.schedmsg.cdc.DebeziumSamples.withAfter;
import static org.schedmsg.cdc.DebeziumSamples.withEnvelope;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.serde.Json;

class ChangeEventMapperTest {
  private final ChangeEventMapper mapper = new ChangeEventMapper();

  private CdcRecord map(String value) {
    return mapper.map(value).orElseThrow();
  }

  private static JsonNode json(String text) throws Exception {
    return Json.mapper().readTree(text);
  }

  @Test
  void shouldMapEveryColumnWhenRowInserted() throws Exception {
    CdcRecord record = map(sample("insert"));

    assertThat(record.key()).isEqualTo(MESSAGE_ID);
    ScheduledMessageChange change = record.value();
    assertThat(change.schemaVersion()).isEqualTo(1);
    assertThat(change.op()).isEqualTo("c");
    assertThat(change.lsn()).isEqualTo(26312848L);
    assertThat(change.committedAt()).isEqualTo(Instant.parse("2026-11-29T00:00:13.023887Z"));
    ScheduledMessage m = change.message();
    assertThat(m.id()).isEqualTo(UUID.fromString(MESSAGE_ID));
    assertThat(m.patientId()).isEqualTo(UUID.fromString("0b9e5d2c-4f61-4a7b-8c3d-1e2f3a4b5c6d"));
    assertThat(m.recipientId()).isEqualTo("tg-chat-4711");
    assertThat(m.platform()).isEqualTo(Platform.TELEGRAM);
    assertThat(m.messageContent()).isEqualTo("Your appointment is tomorrow at 9:30");
    assertThat(m.scheduledTime()).isEqualTo(Instant.parse("2026-12-01T09:30:00.123456Z"));
    assertThat(m.templateKey()).isEqualTo("appointment_reminder");
    assertThat(m.status()).isEqualTo(MessageStatus.PENDING);
    assertThat(m.errorMessage()).isNull();
    assertThat(m.sentAt()).isNull();
    assertThat(m.failedAt()).isNull();
    assertThat(m.createdAt()).isEqualTo(Instant.parse("2026-11-29T00:00:13.022672Z"));
    assertThat(m.updatedAt()).isNull();
    assertThat(m.attempts()).isZero();
    assertThat(m.lastAttemptTime()).isNull();
    assertThat(m.priority()).isEqualTo(2);
    assertThat(m.deliveryWindowSeconds()).isEqualTo(90);
    assertThat(m.parameters()).isEqualTo(json("{\"name\":\"Ana Lima\",\"slots\":[9,30]}"));
  }

  @Test
  void shouldParseJsonbStringsIntoJsonValuesWhenColumnsHoldJson() throws Exception {
    ScheduledMessage m = map(sample("insert")).value().message();

    assertThat(m.parameters().isObject()).isTrue();
    assertThat(m.parameters().get("slots").isArray()).isTrue();
    assertThat(m.recurrencePattern()).isEqualTo(json("{\"freq\":\"WEEKLY\",\"count\":3}"));
    assertThat(m.metadata().get("campaign").get("id").intValue()).isEqualTo(7);
  }

  @Test
  void shouldKeepJsonScalarsWhenJsonbHoldsAScalar() throws Exception {
    ScheduledMessage m =
        map(withAfter("insert", row -> row.put("metadata", "null").put("parameters", "[]")))
            .value()
            .message();

    assertThat(m.metadata()).isEqualTo(json("null"));
    assertThat(m.parameters()).isEqualTo(json("[]"));
  }

  @Test
  void shouldMapStatusAndUpdatedAtWhenRowUpdatedToCancelled() {
    CdcRecord record = map(sample("update"));

    assertThat(record.key()).isEqualTo(MESSAGE_ID);
    assertThat(record.value().op()).isEqualTo("u");
    assertThat(record.value().lsn()).isEqualTo(26313312L);
    assertThat(record.value().message().status()).isEqualTo(MessageStatus.CANCELLED);
    assertThat(record.value().message().updatedAt())
        .isEqualTo(Instant.parse("2026-11-29T00:00:13.024727Z"));
  }

  @Test
  void shouldMapReadWithoutLsnWhenRowComesFromSnapshot() {
    CdcRecord record = map(sample("snapshot-read"));

    assertThat(record.key()).isEqualTo(SNAPSHOT_MESSAGE_ID);
    ScheduledMessageChange change = record.value();
    assertThat(change.op()).isEqualTo("r");
    assertThat(change.lsn()).isNull();
    assertThat(change.committedAt()).isEqualTo(Instant.parse("2026-11-29T00:00:12.849520Z"));
    ScheduledMessage m = change.message();
    assertThat(m.platform()).isEqualTo(Platform.WHATSAPP);
    assertThat(m.status()).isEqualTo(MessageStatus.SENT);
    assertThat(m.patientId()).isNull();
    assertThat(m.parameters()).isNull();
    assertThat(m.deliveryWindowSeconds()).isNull();
    assertThat(m.attempts()).isEqualTo(1);
    assertThat(m.sentAt()).isEqualTo(Instant.parse("2026-11-28T23:10:05.500Z"));
    assertThat(m.lastAttemptTime()).isEqualTo(Instant.parse("2026-11-28T23:10:04.999999Z"));
  }

  @Test
  void shouldProduceTombstoneKeyedByIdWhenRowDeleted() {
    CdcRecord record = map(sample("delete"));

    assertThat(record.key()).isEqualTo(MESSAGE_ID);
    assertThat(record.isTombstone()).isTrue();
    assertThat(record.value()).isNull();
  }

  @Test
  void shouldForwardNothingWhenValueIsDebeziumTombstone() {
    assertThat(mapper.map(null)).isEmpty();
  }

  @Test
  void shouldWriteMicrosecondsAndJsonValuesWhenSerializedWithCatalogSerde() throws Exception {
    ScheduledMessageChange change = map(sample("insert")).value();
    var serde = Topics.defaults().cdc().valueSerde();

    byte[] bytes = serde.serializer().serialize("cdc", change);

    JsonNode written = json(new String(bytes, StandardCharsets.UTF_8));
    assertThat(written.get("schema_version").intValue()).isEqualTo(1);
    assertThat(written.get("committed_at").textValue()).isEqualTo("2026-11-29T00:00:13.023887Z");
    JsonNode message = written.get("message");
    assertThat(message.get("scheduled_time").textValue()).isEqualTo("2026-12-01T09:30:00.123456Z");
    assertThat(message.get("parameters").isObject()).isTrue();
    assertThat(serde.deserializer().deserialize("cdc", bytes).message().scheduledTime())
        .isEqualTo(Instant.parse("2026-12-01T09:30:00.123456Z"));
  }

  @ParameterizedTest
  @CsvSource({
    "platform, sms",
    "status, archived",
    "scheduled_time, next tuesday",
    "patient_id, patient-forty-two",
    "parameters, {not json",
  })
  void shouldNameIdAndColumnButNotValueWhenColumnCannotBeMapped(String column, String value) {
    String event = withAfter("insert", row -> row.put(column, value));

    assertThatThrownBy(() -> mapper.map(event))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining(MESSAGE_ID)
        .hasMessageContaining("26312848")
        .hasMessageContaining(column)
        .hasMessageNotContaining(value)
        .hasNoCause();
  }

  @ParameterizedTest
  @CsvSource({"recipient_id", "message_content", "scheduled_time", "attempts", "priority"})
  void shouldNameColumnWhenRequiredColumnIsNull(String column) {
    String event = withAfter("insert", row -> row.putNull(column));

    assertThatThrownBy(() -> mapper.map(event))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining(MESSAGE_ID)
        .hasMessageContaining("column " + column + " is missing");
  }

  @Test
  void shouldRefuseToastPlaceholderWhenUnchangedColumnWasNotSent() {
    String event =
        withAfter(
            "update", row -> row.put("message_content", RowReader.UNAVAILABLE_VALUE_PLACEHOLDER));

    assertThatThrownBy(() -> mapper.map(event))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining(MESSAGE_ID)
        .hasMessageContaining("message_content")
        .hasMessageContaining("REPLICA IDENTITY FULL");
  }

  @Test
  void shouldRefuseToastPlaceholderWhenJsonbColumnWasNotSent() {
    String event =
        withAfter("update", row -> row.put("parameters", RowReader.UNAVAILABLE_VALUE_PLACEHOLDER));

    assertThatThrownBy(() -> mapper.map(event))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining("parameters")
        .hasMessageContaining("REPLICA IDENTITY FULL");
  }

  @ParameterizedTest
  @CsvSource({"t", "m", "x"})
  void shouldRefuseEventWhenOperationIsNotARowChange(String op) {
    String event = withEnvelope("insert", envelope -> envelope.put("op", op));

    assertThatThrownBy(() -> mapper.map(event))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining(MESSAGE_ID)
        .hasMessageContaining("not a row change");
  }

  @Test
  void shouldRefuseEventWithoutIdWhenRowHasNone() {
    String event = withAfter("insert", row -> row.remove("id"));

    assertThatThrownBy(() -> mapper.map(event))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining("no row id")
        .hasMessageNotContaining("tg-chat-4711");
  }

  @Test
  void shouldNotEchoInputWhenEventIsNotJson() {
    String event = "{\"after\": {\"recipient_id\": \"tg-chat-4711\", broken";

    assertThatThrownBy(() -> mapper.map(event))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining("not valid JSON")
        .hasMessageNotContaining("tg-chat-4711")
        .hasNoCause();
  }

  @Test
  void shouldShowNoPayloadWhenRecordPrinted() {
    String printed = map(sample("insert")).toString() + map(sample("delete"));

    assertThat(printed)
        .contains(MESSAGE_ID)
        .doesNotContain("tg-chat-4711", "appointment", "Ana Lima", "crm");
  }
}

package org.schedmsg.cdc.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.schedmsg.cdc.DebeziumSamples.MESSAGE_ID;
import static org.schedmsg.cdc.DebeziumSamples.PATIENT_ID;
import static org.schedmsg.cdc.DebeziumSamples.SNAPSHOT_MESSAGE_ID;
import static org.schedmsg.cdc.DebeziumSamples.sample;
import static org.schedmsg.cdc.DebeziumSamples.withAfter;
import static org.schedmsg.cdc.DebeziumSamples.withBefore;
import static org.schedmsg.cdc.DebeziumSamples.withEnvelope;
import static org.schedmsg.cdc.DebeziumSamples.withSource;
import static org.schedmsg.cdc.DebeziumSamples.withoutColumn;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.schedmsg.cdc.DebeziumSamples;
import org.schedmsg.cdc.DebeziumSchemas;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.serde.Json;

/**
 * The mapper on change events shaped as the PostgreSQL connector emits them ({@link
 * DebeziumSamples}, with the connector's schemas checked against a real run by {@code
 * ConnectorSchemaIT}).
 */
class ChangeEventMapperTest {
  private final ChangeEventMapper mapper = new ChangeEventMapper();

  private CdcRecord map(SourceRecord event) {
    return mapper.map(event).orElseThrow();
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
    assertThat(m.patientId()).isEqualTo(UUID.fromString(PATIENT_ID));
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
    assertThat(m.rowVersion()).isEqualTo(1);
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
        map(withAfter("insert", row -> row.putAll(Map.of("metadata", "null", "parameters", "[]"))))
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
    assertThat(record.value().message().rowVersion()).isEqualTo(2);
  }

  @Test
  void shouldNotReadBeforeImageWhenRowUpdated() {
    SourceRecord update =
        withBefore(
            "update", row -> row.putAll(Map.of("platform", "sms", "scheduled_time", "soon")));

    assertThat(map(update).value()).isEqualTo(map(sample("update")).value());
  }

  @Test
  void shouldMapReadWithoutLsnWhenRowComesFromSnapshot() {
    CdcRecord record = map(sample("snapshot-read"));

    assertThat(record.key()).isEqualTo(SNAPSHOT_MESSAGE_ID);
    ScheduledMessageChange change = record.value();
    assertThat(change.op()).isEqualTo("r");
    assertThat(change.lsn()).isNull();
    assertThat(record.lsn()).isNull();
    assertThat(change.committedAt()).isEqualTo(Instant.parse("2026-11-29T00:00:12.849520Z"));
    ScheduledMessage m = change.message();
    assertThat(m.platform()).isEqualTo(Platform.WHATSAPP);
    assertThat(m.status()).isEqualTo(MessageStatus.SENT);
    assertThat(m.patientId()).isNull();
    assertThat(m.parameters()).isNull();
    assertThat(m.attempts()).isEqualTo(1);
    assertThat(m.sentAt()).isEqualTo(Instant.parse("2026-11-28T23:10:05.500Z"));
    assertThat(m.lastAttemptTime()).isEqualTo(Instant.parse("2026-11-28T23:10:04.999999Z"));
  }

  /** The connector's schema says 60 for delivery_window_seconds; a NULL means "no limit". */
  @Test
  void shouldCarryNullNotColumnDefaultWhenColumnWithDefaultIsNull() {
    SourceRecord read = sample("snapshot-read");
    assertThat(DebeziumSchemas.rowSchema("schedmsg").field("delivery_window_seconds"))
        .extracting(field -> field.schema().defaultValue())
        .isEqualTo(60);

    assertThat(map(read).value().message().deliveryWindowSeconds()).isNull();
    assertThat(map(read).value().message().deliveryDeadline()).isNull();
  }

  @Test
  void shouldMapRowVersionToUnknownWhenRowHasNoRowVersionColumn() {
    ScheduledMessage m = map(withoutColumn("insert", "row_version")).value().message();

    assertThat(m.rowVersion()).isEqualTo(ScheduledMessage.UNKNOWN_VERSION);
  }

  @Test
  void shouldProduceTombstoneKeyedByIdWhenRowDeleted() {
    CdcRecord record = map(sample("delete"));

    assertThat(record.key()).isEqualTo(MESSAGE_ID);
    assertThat(record.isTombstone()).isTrue();
    assertThat(record.value()).isNull();
    assertThat(record.lsn()).isEqualTo(26313728L);
  }

  @Test
  void shouldReadOnlyTheIdOfBeforeImageWhenRowDeleted() {
    SourceRecord delete =
        withBefore("delete", row -> row.putAll(Map.of("status", "archived", "parameters", "{x")));

    assertThat(map(delete).key()).isEqualTo(MESSAGE_ID);
    assertThat(map(delete).isTombstone()).isTrue();
  }

  @Test
  void shouldForwardNothingWhenValueIsDebeziumTombstone() {
    assertThat(mapper.map(DebeziumSamples.tombstone())).isEmpty();
  }

  @Test
  void shouldUseMillisecondsWhenSourceHasNoMicroseconds() {
    CdcRecord record = map(withSource("insert", source -> source.put("ts_us", null)));

    assertThat(record.value().committedAt()).isEqualTo(Instant.parse("2026-11-29T00:00:13.023Z"));
  }

  @Test
  void shouldWriteTheVersion1RecordByteForByteWhenSerializedWithCatalogSerde() {
    var serializer = Topics.defaults().cdc().valueSerde().serializer();

    String insert = utf8(serializer.serialize("cdc", map(sample("insert")).value()));
    String read = utf8(serializer.serialize("cdc", map(sample("snapshot-read")).value()));

    // what the JSON-string mapper of the first version wrote for the same events
    assertThat(insert)
        .isEqualTo(
            "{\"schema_version\":1,\"op\":\"c\",\"lsn\":26312848,"
                + "\"committed_at\":\"2026-11-29T00:00:13.023887Z\",\"message\":{"
                + "\"id\":\"6f1c2a7e-93d4-4b8a-9a51-2f0e4c7d8b13\","
                + "\"patient_id\":\"0b9e5d2c-4f61-4a7b-8c3d-1e2f3a4b5c6d\","
                + "\"recipient_id\":\"tg-chat-4711\",\"platform\":\"telegram\","
                + "\"message_content\":\"Your appointment is tomorrow at 9:30\","
                + "\"scheduled_time\":\"2026-12-01T09:30:00.123456Z\","
                + "\"template_key\":\"appointment_reminder\","
                + "\"parameters\":{\"name\":\"Ana Lima\",\"slots\":[9,30]},"
                + "\"recurrence_pattern\":{\"freq\":\"WEEKLY\",\"count\":3},"
                + "\"status\":\"pending\",\"created_at\":\"2026-11-29T00:00:13.022672Z\","
                + "\"attempts\":0,\"priority\":2,"
                + "\"metadata\":{\"source\":\"crm\",\"campaign\":{\"id\":7}},"
                + "\"delivery_window_seconds\":90,\"row_version\":1}}");
    assertThat(read)
        .isEqualTo(
            "{\"schema_version\":1,\"op\":\"r\","
                + "\"committed_at\":\"2026-11-29T00:00:12.849520Z\",\"message\":{"
                + "\"id\":\"2d4e6f80-1a3b-4c5d-8e9f-0a1b2c3d4e5f\","
                + "\"recipient_id\":\"+34600111222\",\"platform\":\"whatsapp\","
                + "\"message_content\":\"Please confirm your visit\","
                + "\"scheduled_time\":\"2026-12-01T09:30:00Z\",\"status\":\"sent\","
                + "\"sent_at\":\"2026-11-28T23:10:05.500Z\","
                + "\"created_at\":\"2026-11-28T22:00:11.775251Z\","
                + "\"updated_at\":\"2026-11-28T23:10:05.500001Z\",\"attempts\":1,"
                + "\"last_attempt_time\":\"2026-11-28T23:10:04.999999Z\",\"priority\":5,"
                + "\"row_version\":2}}");
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
    SourceRecord event = withAfter("insert", row -> row.put(column, value));

    assertThatThrownBy(() -> mapper.map(event))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining(MESSAGE_ID)
        .hasMessageContaining("26312848")
        .hasMessageContaining(column)
        .hasMessageNotContaining(value)
        .hasNoCause();
  }

  /** attempts, priority and created_at have column defaults in the schema: never used for NULL. */
  @ParameterizedTest
  @CsvSource({
    "recipient_id",
    "message_content",
    "scheduled_time",
    "attempts",
    "priority",
    "created_at"
  })
  void shouldNameColumnWhenRequiredColumnIsNull(String column) {
    SourceRecord event = withAfter("insert", row -> row.put(column, null));

    assertThatThrownBy(() -> mapper.map(event))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining(MESSAGE_ID)
        .hasMessageContaining("column " + column + " is missing");
  }

  @ParameterizedTest
  @CsvSource({"recipient_id", "platform", "attempts"})
  void shouldNameColumnWhenRowSchemaLacksRequiredColumn(String column) {
    assertThatThrownBy(() -> mapper.map(withoutColumn("insert", column)))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining(MESSAGE_ID)
        .hasMessageContaining("column " + column + " is missing");
  }

  @Test
  void shouldRefuseToastPlaceholderWhenUnchangedColumnWasNotSent() {
    SourceRecord event =
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
    SourceRecord event =
        withAfter("update", row -> row.put("parameters", RowReader.UNAVAILABLE_VALUE_PLACEHOLDER));

    assertThatThrownBy(() -> mapper.map(event))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining("parameters")
        .hasMessageContaining("REPLICA IDENTITY FULL");
  }

  @ParameterizedTest
  @CsvSource({"t", "m", "x"})
  void shouldRefuseEventWhenOperationIsNotARowChange(String op) {
    SourceRecord event = withEnvelope("insert", envelope -> envelope.put("op", op));

    assertThatThrownBy(() -> mapper.map(event))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining(MESSAGE_ID)
        .hasMessageContaining("not a row change");
  }

  @Test
  void shouldRefuseEventWithoutIdWhenRowHasNone() {
    SourceRecord event = withAfter("insert", row -> row.remove("id"));

    assertThatThrownBy(() -> mapper.map(event))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining("no row id")
        .hasMessageNotContaining("tg-chat-4711");
  }

  @Test
  void shouldNameIdWhenSourceHasNoTimestamp() {
    SourceRecord event =
        withSource(
            "insert",
            source -> {
              source.put("ts_us", null);
              source.put("ts_ms", null);
            });

    assertThatThrownBy(() -> mapper.map(event))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining(MESSAGE_ID)
        .hasMessageContaining("no source timestamp");
  }

  @Test
  void shouldNotEchoInputWhenValueIsNotAnEnvelope() {
    SourceRecord event =
        new SourceRecord(
            Map.of(),
            Map.of(),
            "schedmsg.public.scheduled_messages",
            null,
            Schema.STRING_SCHEMA,
            "{\"after\": {\"recipient_id\": \"tg-chat-4711\"}}");

    assertThatThrownBy(() -> mapper.map(event))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining("not a Debezium envelope")
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

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}

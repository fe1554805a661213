package org.schedmsg.cdc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Change events of {@code public.scheduled_messages} as the Debezium 3.6.1 PostgreSQL connector
 * (pgoutput, {@code REPLICA IDENTITY FULL}, migrations up to V11) hands them to the engine's
 * consumer in the Connect format: a {@link SourceRecord} whose value is the envelope {@link
 * Struct}, with the connector's schemas ({@link DebeziumSchemas}); values as a real run produced
 * them, with invented ids and content.
 */
public final class DebeziumSamples {
  public static final String NAMESPACE = "schedmsg";
  public static final String MESSAGE_ID = "6f1c2a7e-93d4-4b8a-9a51-2f0e4c7d8b13";
  public static final String SNAPSHOT_MESSAGE_ID = "2d4e6f80-1a3b-4c5d-8e9f-0a1b2c3d4e5f";
  public static final String PATIENT_ID = "0b9e5d2c-4f61-4a7b-8c3d-1e2f3a4b5c6d";

  private DebeziumSamples() {}

  /** {@code name}: insert, update, snapshot-read or delete. */
  public static SourceRecord sample(String name) {
    return build(name, envelope -> {});
  }

  /**
   * The sample {@code name} with {@code edit} applied to its {@code after} row's column values. A
   * null in a column the connector declares required makes it optional in the schema (as if the
   * column had lost its NOT NULL): a Struct cannot hold null in a required field.
   */
  public static SourceRecord withAfter(String name, Consumer<Map<String, Object>> edit) {
    return build(name, envelope -> edit.accept(row(envelope, "after")));
  }

  /**
   * The sample {@code name} with {@code edit} applied to its {@code before} row's column values.
   */
  public static SourceRecord withBefore(String name, Consumer<Map<String, Object>> edit) {
    return build(name, envelope -> edit.accept(row(envelope, "before")));
  }

  /** The sample {@code name} with {@code edit} applied to its {@code source} block's values. */
  public static SourceRecord withSource(String name, Consumer<Map<String, Object>> edit) {
    return build(name, envelope -> edit.accept(row(envelope, "source")));
  }

  /** The sample {@code name} with {@code edit} applied to the envelope's top-level values. */
  public static SourceRecord withEnvelope(String name, Consumer<Map<String, Object>> edit) {
    return build(name, edit);
  }

  /**
   * The sample {@code name} with the row schema lacking {@code column} (e.g. before a migration).
   */
  public static SourceRecord withoutColumn(String name, String column) {
    Map<String, Object> values = envelopeValues(name);
    Schema rowSchema = DebeziumSchemas.rowSchema(NAMESPACE, column);
    return record(envelope(rowSchema, values));
  }

  /** A Debezium heartbeat event, as it arrives between change events. */
  public static SourceRecord heartbeat() {
    Schema schema =
        SchemaBuilder.struct()
            .name("io.debezium.connector.common.Heartbeat")
            .version(1)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .build();
    return new SourceRecord(
        Map.of("server", NAMESPACE),
        Map.of("lsn", 26313800L),
        "__debezium-heartbeat." + NAMESPACE,
        null,
        schema,
        new Struct(schema).put("ts_ms", 1795910413200L));
  }

  /** An event without a value (a Debezium tombstone). */
  public static SourceRecord tombstone() {
    return new SourceRecord(
        Map.of("server", NAMESPACE),
        Map.of("lsn", 26313728L),
        NAMESPACE + ".public.scheduled_messages",
        null,
        null,
        DebeziumSchemas.envelopeSchema(NAMESPACE),
        null);
  }

  private static SourceRecord build(String name, Consumer<Map<String, Object>> edit) {
    Map<String, Object> values = envelopeValues(name);
    edit.accept(values);
    return record(envelope(DebeziumSchemas.rowSchema(NAMESPACE), values));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> row(Map<String, Object> envelope, String field) {
    Object row = envelope.get(field);
    if (row == null) {
      throw new IllegalArgumentException("the sample has no " + field);
    }
    return (Map<String, Object>) row;
  }

  private static SourceRecord record(Struct envelope) {
    Struct row =
        envelope.getStruct("after") != null
            ? envelope.getStruct("after")
            : envelope.getStruct("before");
    Schema keySchema = DebeziumSchemas.keySchema(NAMESPACE);
    Object id = row == null ? null : row.getWithoutDefault("id");
    Struct source = envelope.getStruct("source");
    return new SourceRecord(
        Map.of("server", NAMESPACE),
        Collections.singletonMap("lsn", source == null ? null : source.getWithoutDefault("lsn")),
        NAMESPACE + ".public.scheduled_messages",
        null,
        keySchema,
        id == null ? null : new Struct(keySchema).put("id", id),
        envelope.schema(),
        envelope);
  }

  // --- values ---

  private static Map<String, Object> envelopeValues(String name) {
    switch (name) {
      case "insert":
        return envelopeValues(
            "c", null, pendingRow(), source(1795910413023887L, 26312848L, 762L, null));
      case "update":
        return envelopeValues(
            "u", pendingRow(), cancelledRow(), source(1795910413025402L, 26313312L, 763L, null));
      case "delete":
        return envelopeValues(
            "d", cancelledRow(), null, source(1795910413027012L, 26313728L, 764L, null));
      case "snapshot-read":
        return envelopeValues(
            "r", null, sentRow(), source(1795910412849520L, 26312808L, 761L, "last"));
      default:
        throw new IllegalArgumentException("no sample " + name);
    }
  }

  private static Map<String, Object> envelopeValues(
      String op, Map<String, Object> before, Map<String, Object> after, Map<String, Object> src) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("before", before);
    values.put("after", after);
    values.put("source", src);
    values.put("op", op);
    long tsUs = (Long) src.get("ts_us") + 92_038;
    values.put("ts_ms", tsUs / 1000);
    values.put("ts_us", tsUs);
    values.put("ts_ns", tsUs * 1000 + 369);
    return values;
  }

  private static Struct envelope(Schema rowSchema, Map<String, Object> values) {
    Schema row =
        DebeziumSchemas.nullable(rowSchema, nested(values, "before"), nested(values, "after"));
    Schema source =
        DebeziumSchemas.nullable(DebeziumSchemas.sourceSchema(), nested(values, "source"));
    Schema schema = DebeziumSchemas.envelopeSchema(row, source, NAMESPACE);
    Struct envelope = new Struct(schema);
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      Object value = entry.getValue();
      if (value instanceof Map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) value;
        value = struct(schema.field(entry.getKey()).schema(), nested);
      }
      if (value != null) {
        envelope.put(entry.getKey(), value);
      }
    }
    return envelope;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> nested(Map<String, Object> envelope, String field) {
    Object value = envelope.get(field);
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  /** A struct of {@code schema}; null values are left unset, as the connector leaves NULLs. */
  private static Struct struct(Schema schema, Map<String, Object> values) {
    Struct struct = new Struct(schema);
    values.forEach(
        (field, value) -> {
          if (value != null && schema.field(field) != null) {
            struct.put(field, value);
          }
        });
    return struct;
  }

  private static Map<String, Object> source(long tsUs, long lsn, long txId, String snapshot) {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("version", "3.6.1.Final");
    source.put("connector", "postgresql");
    source.put("name", NAMESPACE);
    source.put("ts_ms", tsUs / 1000);
    source.put("snapshot", snapshot);
    source.put("db", "schedmsg");
    source.put(
        "sequence",
        snapshot == null ? "[\"" + lsn + "\",\"" + lsn + "\"]" : "[null,\"" + lsn + "\"]");
    source.put("ts_us", tsUs);
    source.put("ts_ns", tsUs * 1000);
    source.put("schema", "public");
    source.put("table", "scheduled_messages");
    source.put("txId", txId);
    source.put("lsn", lsn);
    return source;
  }

  /** The row as inserted: a pending Telegram reminder. */
  private static Map<String, Object> pendingRow() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", MESSAGE_ID);
    row.put("patient_id", PATIENT_ID);
    row.put("recipient_id", "tg-chat-4711");
    row.put("platform", "telegram");
    row.put("message_content", "Your appointment is tomorrow at 9:30");
    row.put("scheduled_time", "2026-12-01T09:30:00.123456Z");
    row.put("template_key", "appointment_reminder");
    row.put("parameters", "{\"name\": \"Ana Lima\", \"slots\": [9, 30]}");
    row.put("recurrence_pattern", "{\"freq\": \"WEEKLY\", \"count\": 3}");
    row.put("status", "pending");
    row.put("error_message", null);
    row.put("sent_at", null);
    row.put("failed_at", null);
    row.put("created_at", "2026-11-29T00:00:13.022672Z");
    row.put("updated_at", null);
    row.put("attempts", 0);
    row.put("last_attempt_time", null);
    row.put("priority", 2);
    row.put("metadata", "{\"source\": \"crm\", \"campaign\": {\"id\": 7}}");
    row.put("delivery_window_seconds", 90);
    row.put("row_version", 1L);
    return row;
  }

  /** The same row after {@code UPDATE ... SET status = 'cancelled', updated_at = now()}. */
  private static Map<String, Object> cancelledRow() {
    Map<String, Object> row = pendingRow();
    row.put("status", "cancelled");
    row.put("updated_at", "2026-11-29T00:00:13.024727Z");
    row.put("row_version", 2L);
    return row;
  }

  /** A sent WhatsApp message without patient, parameters or delivery window (NULLs). */
  private static Map<String, Object> sentRow() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", SNAPSHOT_MESSAGE_ID);
    row.put("recipient_id", "+34600111222");
    row.put("platform", "whatsapp");
    row.put("message_content", "Please confirm your visit");
    row.put("scheduled_time", "2026-12-01T09:30:00.000000Z");
    row.put("status", "sent");
    row.put("sent_at", "2026-11-28T23:10:05.500000Z");
    row.put("created_at", "2026-11-28T22:00:11.775251Z");
    row.put("updated_at", "2026-11-28T23:10:05.500001Z");
    row.put("attempts", 1);
    row.put("last_attempt_time", "2026-11-28T23:10:04.999999Z");
    row.put("priority", 5);
    row.put("row_version", 2L);
    return row;
  }
}

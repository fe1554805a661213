package org.schedmsg.cdc;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * The Connect schemas the Debezium 3.6.1 PostgreSQL connector builds for {@code
 * public.scheduled_messages} after the migrations up to V11, field for field: names, types,
 * optionality, column defaults ({@code ConnectorSchemaIT} compares them with a real run).
 */
public final class DebeziumSchemas {
  static final String UUID = "io.debezium.data.Uuid";
  static final String ZONED_TIMESTAMP = "io.debezium.time.ZonedTimestamp";
  static final String JSON = "io.debezium.data.Json";

  private DebeziumSchemas() {}

  /** The row schema ({@code before} and {@code after}) for topic prefix {@code namespace}. */
  public static Schema rowSchema(String namespace) {
    return rowSchema(namespace, null);
  }

  static Schema rowSchema(String namespace, String without) {
    SchemaBuilder row =
        SchemaBuilder.struct().name(namespace + ".public.scheduled_messages.Value").optional();
    Map<String, Schema> columns = new LinkedHashMap<>();
    columns.put("id", named(SchemaBuilder.string(), UUID).build());
    columns.put("patient_id", named(SchemaBuilder.string(), UUID).optional().build());
    columns.put("recipient_id", Schema.STRING_SCHEMA);
    columns.put("platform", Schema.STRING_SCHEMA);
    columns.put("message_content", Schema.STRING_SCHEMA);
    columns.put("scheduled_time", named(SchemaBuilder.string(), ZONED_TIMESTAMP).build());
    columns.put("template_key", Schema.OPTIONAL_STRING_SCHEMA);
    columns.put("parameters", named(SchemaBuilder.string(), JSON).optional().build());
    columns.put("recurrence_pattern", named(SchemaBuilder.string(), JSON).optional().build());
    columns.put("status", Schema.STRING_SCHEMA);
    columns.put("error_message", Schema.OPTIONAL_STRING_SCHEMA);
    columns.put("sent_at", optionalTimestamp());
    columns.put("failed_at", optionalTimestamp());
    columns.put(
        "created_at",
        named(SchemaBuilder.string(), ZONED_TIMESTAMP)
            .defaultValue("1970-01-01T00:00:00.000000Z")
            .build());
    columns.put("updated_at", optionalTimestamp());
    columns.put("attempts", SchemaBuilder.int32().defaultValue(0).build());
    columns.put("last_attempt_time", optionalTimestamp());
    columns.put("priority", SchemaBuilder.int32().defaultValue(5).build());
    columns.put("metadata", named(SchemaBuilder.string(), JSON).optional().build());
    columns.put(
        "delivery_window_seconds", SchemaBuilder.int32().optional().defaultValue(60).build());
    columns.put("row_version", SchemaBuilder.int64().defaultValue(1L).build());
    columns.remove(without);
    columns.forEach(row::field);
    return row.build();
  }

  /** The key schema: the primary key. */
  public static Schema keySchema(String namespace) {
    return SchemaBuilder.struct()
        .name(namespace + ".public.scheduled_messages.Key")
        .field("id", named(SchemaBuilder.string(), UUID).build())
        .build();
  }

  /** The envelope schema (the record's value schema) for topic prefix {@code namespace}. */
  public static Schema envelopeSchema(String namespace) {
    return envelopeSchema(rowSchema(namespace), sourceSchema(), namespace);
  }

  static Schema envelopeSchema(Schema rowSchema, Schema sourceSchema, String namespace) {
    return SchemaBuilder.struct()
        .name(namespace + ".public.scheduled_messages.Envelope")
        .version(2)
        .field("before", rowSchema)
        .field("after", rowSchema)
        .field("source", sourceSchema)
        .field("transaction", blockSchema())
        .field("op", Schema.STRING_SCHEMA)
        .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
        .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
        .field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA)
        .build();
  }

  static Schema sourceSchema() {
    return SchemaBuilder.struct()
        .name("io.debezium.connector.postgresql.Source")
        .version(1)
        .field("version", Schema.STRING_SCHEMA)
        .field("connector", Schema.STRING_SCHEMA)
        .field("name", Schema.STRING_SCHEMA)
        .field("ts_ms", Schema.INT64_SCHEMA)
        .field(
            "snapshot",
            SchemaBuilder.string()
                .name("io.debezium.data.Enum")
                .version(1)
                .parameter(
                    "allowed",
                    "true,first,first_in_data_collection,last_in_data_collection,last,false,"
                        + "incremental")
                .defaultValue("false")
                .optional()
                .build())
        .field("db", Schema.STRING_SCHEMA)
        .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
        .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
        .field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA)
        .field("schema", Schema.STRING_SCHEMA)
        .field("table", Schema.STRING_SCHEMA)
        .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
        .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
        .field("xmin", Schema.OPTIONAL_INT64_SCHEMA)
        .field("origin", Schema.OPTIONAL_STRING_SCHEMA)
        .field("origin_lsn", Schema.OPTIONAL_INT64_SCHEMA)
        .build();
  }

  private static Schema blockSchema() {
    return SchemaBuilder.struct()
        .name("event.block")
        .version(1)
        .optional()
        .field("id", Schema.STRING_SCHEMA)
        .field("total_order", Schema.INT64_SCHEMA)
        .field("data_collection_order", Schema.INT64_SCHEMA)
        .build();
  }

  private static SchemaBuilder named(SchemaBuilder builder, String name) {
    return builder.name(name).version(1);
  }

  private static Schema optionalTimestamp() {
    return named(SchemaBuilder.string(), ZONED_TIMESTAMP).optional().build();
  }

  /**
   * {@code schema} with every required field that one of {@code rows} leaves null made optional, as
   * the connector would declare it had the column lost its NOT NULL: a Struct cannot hold a null in
   * a required field, so this is the only way a row without such a value can arrive.
   */
  @SafeVarargs
  static Schema nullable(Schema schema, Map<String, Object>... rows) {
    SchemaBuilder struct = SchemaBuilder.struct().name(schema.name()).version(schema.version());
    if (schema.isOptional()) {
      struct.optional();
    }
    for (Field field : schema.fields()) {
      boolean missing = false;
      for (Map<String, Object> row : rows) {
        missing |= !row.isEmpty() && row.get(field.name()) == null;
      }
      struct.field(
          field.name(),
          missing && !field.schema().isOptional() ? optional(field.schema()) : field.schema());
    }
    return struct.build();
  }

  private static Schema optional(Schema schema) {
    SchemaBuilder copy = new SchemaBuilder(schema.type()).name(schema.name());
    copy.version(schema.version()).optional();
    if (schema.defaultValue() != null) {
      copy.defaultValue(schema.defaultValue());
    }
    if (schema.parameters() != null) {
      copy.parameters(schema.parameters());
    }
    return copy.build();
  }
}

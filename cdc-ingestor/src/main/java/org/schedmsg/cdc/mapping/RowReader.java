package org.schedmsg.cdc.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.apache.kafka.connect.data.Struct;
import org.schedmsg.contracts.serde.Json;

/**
 * Typed reads of one row as the PostgreSQL connector puts it in a Kafka Connect {@link Struct}:
 * UUID ({@code io.debezium.data.Uuid}), TIMESTAMPTZ ({@code io.debezium.time.ZonedTimestamp}) and
 * JSONB ({@code io.debezium.data.Json}) as strings, INTEGER as {@code Integer}, BIGINT as {@code
 * Long}. A NULL column reads as null, never as the column default the schema carries ({@link
 * Struct#get(String)} would return the default). A column the row's schema does not have reads as
 * null. Every failure names the column, never the value.
 */
final class RowReader {
  /** What Debezium writes for an unchanged TOASTed column it did not receive. */
  static final String UNAVAILABLE_VALUE_PLACEHOLDER = "__debezium_unavailable_value";

  private final Struct row;
  private final String messageId;
  private final Long lsn;

  RowReader(Struct row, String messageId, Long lsn) {
    this.row = row;
    this.messageId = messageId;
    this.lsn = lsn;
  }

  /**
   * The value of a field of {@code struct} as the connector set it: null for a NULL (not the
   * schema's default) and for a field the schema does not have.
   */
  static Object valueOf(Struct struct, String field) {
    return struct.schema().field(field) == null ? null : struct.getWithoutDefault(field);
  }

  String optionalText(String column) {
    Object value = valueOf(row, column);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw fail("column " + column + " is not text");
    }
    if (UNAVAILABLE_VALUE_PLACEHOLDER.equals(text)) {
      throw fail(
          "column "
              + column
              + " was not sent (an unchanged TOAST value); the table needs REPLICA IDENTITY FULL");
    }
    return text;
  }

  String requiredText(String column) {
    String text = optionalText(column);
    if (text == null) {
      throw fail("column " + column + " is missing");
    }
    return text;
  }

  UUID optionalUuid(String column) {
    String text = optionalText(column);
    try {
      return text == null ? null : UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw fail("column " + column + " is not a UUID");
    }
  }

  UUID requiredUuid(String column) {
    UUID uuid = optionalUuid(column);
    if (uuid == null) {
      throw fail("column " + column + " is missing");
    }
    return uuid;
  }

  Instant optionalInstant(String column) {
    String text = optionalText(column);
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw fail("column " + column + " is not an ISO-8601 timestamp");
    }
  }

  Instant requiredInstant(String column) {
    Instant instant = optionalInstant(column);
    if (instant == null) {
      throw fail("column " + column + " is missing");
    }
    return instant;
  }

  /** A JSONB column: Debezium sends the JSON as a string, which is parsed here. */
  JsonNode optionalJson(String column) {
    String text = optionalText(column);
    if (text == null) {
      return null;
    }
    try {
      return Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw fail("column " + column + " does not hold JSON");
    }
  }

  Integer optionalInt(String column) {
    Number value = integral(column);
    if (value == null || value instanceof Integer) {
      return (Integer) value;
    }
    long wide = value.longValue();
    if (wide < Integer.MIN_VALUE || wide > Integer.MAX_VALUE) {
      throw fail("column " + column + " is not an integer");
    }
    return (int) wide;
  }

  int requiredInt(String column) {
    Integer value = optionalInt(column);
    if (value == null) {
      throw fail("column " + column + " is missing");
    }
    return value;
  }

  Long optionalLong(String column) {
    Number value = integral(column);
    if (value == null || value instanceof Long) {
      return (Long) value;
    }
    return value.longValue();
  }

  /** An integer column of any width (INT16, INT32 or INT64 in the schema), or null. */
  private Number integral(String column) {
    Object value = valueOf(row, column);
    if (value == null
        || value instanceof Integer
        || value instanceof Long
        || value instanceof Short) {
      return (Number) value;
    }
    throw fail("column " + column + " is not an integer");
  }

  UnmappableChangeException fail(String reason) {
    return new UnmappableChangeException(messageId, lsn, reason);
  }
}

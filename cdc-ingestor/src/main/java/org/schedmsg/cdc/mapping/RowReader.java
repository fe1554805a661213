package org.schedmsg.cdc.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.schedmsg.contracts.serde.Json;

/**
 * Typed reads of one row as Debezium's JSON converter writes it with schemas disabled: UUID and
 * TIMESTAMPTZ as strings, JSONB as a string holding JSON, INTEGER as a number. Every failure names
 * the column, never the value.
 */
final class RowReader {
  /** What Debezium writes for an unchanged TOASTed column it did not receive. */
  static final String UNAVAILABLE_VALUE_PLACEHOLDER = "__debezium_unavailable_value";

  private final JsonNode row;
  private final String messageId;
  private final Long lsn;

  RowReader(JsonNode row, String messageId, Long lsn) {
    this.row = row;
    this.messageId = messageId;
    this.lsn = lsn;
  }

  String optionalText(String column) {
    JsonNode node = row.get(column);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw fail("column " + column + " is not text");
    }
    if (UNAVAILABLE_VALUE_PLACEHOLDER.equals(node.textValue())) {
      throw fail(
          "column "
              + column
              + " was not sent (an unchanged TOAST value); the table needs REPLICA IDENTITY FULL");
    }
    return node.textValue();
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
    requiredText(column);
    return optionalUuid(column);
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
    requiredText(column);
    return optionalInstant(column);
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
    JsonNode node = row.get(column);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw fail("column " + column + " is not an integer");
    }
    return node.intValue();
  }

  Long optionalLong(String column) {
    JsonNode node = row.get(column);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw fail("column " + column + " is not an integer");
    }
    return node.longValue();
  }

  int requiredInt(String column) {
    Integer value = optionalInt(column);
    if (value == null) {
      throw fail("column " + column + " is missing");
    }
    return value;
  }

  UnmappableChangeException fail(String reason) {
    return new UnmappableChangeException(messageId, lsn, reason);
  }
}

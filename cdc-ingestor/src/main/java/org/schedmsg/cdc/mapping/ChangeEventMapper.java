package org.schedmsg.cdc.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.serde.Json;

/**
 * Turns the value of a Debezium change event of {@code public.scheduled_messages} (JSON converter,
 * schemas disabled) into the record for the CDC topic: {@code c}, {@code u} and {@code r} become a
 * {@link ScheduledMessageChange} of the row after the change, {@code d} becomes a tombstone. Pure
 * and stateless; anything else throws {@link UnmappableChangeException}, which names the id.
 */
public final class ChangeEventMapper {

  /**
   * The record for {@code debeziumValue}, or empty for a null value (a Debezium tombstone, which
   * the ingestor's settings turn off; there is nothing to forward).
   */
  public Optional<CdcRecord> map(String debeziumValue) {
    if (debeziumValue == null) {
      return Optional.empty();
    }
    JsonNode envelope = parse(debeziumValue);
    JsonNode source = envelope.path("source");
    Long lsn = source.path("lsn").isIntegralNumber() ? source.get("lsn").longValue() : null;
    String op = envelope.path("op").asText("");
    return Optional.of(
        switch (op) {
          case "c", "u", "r" -> change(op, envelope.path("after"), source, lsn);
          case "d" -> CdcRecord.tombstone(idOf(envelope.path("before"), lsn), lsn);
          default ->
              throw new UnmappableChangeException(
                  idOrNull(envelope), lsn, "operation '" + op + "' is not a row change");
        });
  }

  private static CdcRecord change(String op, JsonNode after, JsonNode source, Long lsn) {
    String id = idOf(after, lsn);
    RowReader row = new RowReader(after, id, lsn);
    ScheduledMessageChange change =
        new ScheduledMessageChange(
            ScheduledMessageChange.SCHEMA_VERSION,
            op,
            "r".equals(op) ? null : lsn,
            committedAt(source, row),
            message(row));
    return new CdcRecord(id, change);
  }

  static ScheduledMessage message(RowReader row) {
    return new ScheduledMessage(
        row.requiredUuid("id"),
        row.optionalUuid("patient_id"),
        row.requiredText("recipient_id"),
        platform(row),
        row.requiredText("message_content"),
        row.requiredInstant("scheduled_time"),
        row.optionalText("template_key"),
        row.optionalJson("parameters"),
        row.optionalJson("recurrence_pattern"),
        status(row),
        row.optionalText("error_message"),
        row.optionalInstant("sent_at"),
        row.optionalInstant("failed_at"),
        row.requiredInstant("created_at"),
        row.optionalInstant("updated_at"),
        row.requiredInt("attempts"),
        row.optionalInstant("last_attempt_time"),
        row.requiredInt("priority"),
        row.optionalJson("metadata"),
        row.optionalInt("delivery_window_seconds"),
        rowVersion(row));
  }

  /** {@code row_version}, or {@link ScheduledMessage#UNKNOWN_VERSION} before migration V9. */
  private static long rowVersion(RowReader row) {
    Long version = row.optionalLong("row_version");
    return version == null ? ScheduledMessage.UNKNOWN_VERSION : version;
  }

  private static Platform platform(RowReader row) {
    String id = row.requiredText("platform");
    try {
      return Platform.fromId(id);
    } catch (IllegalArgumentException e) {
      throw row.fail("column platform holds an unknown platform");
    }
  }

  private static MessageStatus status(RowReader row) {
    String id = row.requiredText("status");
    try {
      return MessageStatus.fromId(id);
    } catch (IllegalArgumentException e) {
      throw row.fail("column status holds an unknown status");
    }
  }

  /** Commit time of the source transaction (for a snapshot read: when the row was read). */
  private static Instant committedAt(JsonNode source, RowReader row) {
    JsonNode micros = source.path("ts_us");
    if (micros.isIntegralNumber()) {
      return Instant.EPOCH.plus(micros.longValue(), ChronoUnit.MICROS);
    }
    JsonNode millis = source.path("ts_ms");
    if (millis.isIntegralNumber()) {
      return Instant.ofEpochMilli(millis.longValue());
    }
    throw row.fail("the event has no source timestamp (source.ts_us or source.ts_ms)");
  }

  private static String idOf(JsonNode row, Long lsn) {
    JsonNode id = row.path("id");
    if (!id.isTextual()) {
      throw new UnmappableChangeException(null, lsn, "the event has no row id");
    }
    return id.textValue();
  }

  private static String idOrNull(JsonNode envelope) {
    for (String side : new String[] {"after", "before"}) {
      JsonNode id = envelope.path(side).path("id");
      if (id.isTextual()) {
        return id.textValue();
      }
    }
    return null;
  }

  private static JsonNode parse(String debeziumValue) {
    try {
      JsonNode envelope = Json.mapper().readTree(debeziumValue);
      if (envelope == null || !envelope.isObject()) {
        throw new UnmappableChangeException(null, null, "the event is not a JSON object");
      }
      return envelope;
    } catch (JsonProcessingException e) {
      throw new UnmappableChangeException(null, null, "the event is not valid JSON");
    }
  }
}

package org.schedmsg.cdc.mapping;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.ScheduledMessageChange;

/**
 * Turns a Debezium change event of {@code public.scheduled_messages}, as the PostgreSQL connector
 * emits it (a {@link SourceRecord} whose value is the envelope {@link Struct}), into the record for
 * the CDC topic: {@code c}, {@code u} and {@code r} become a {@link ScheduledMessageChange} of the
 * {@code after} row, {@code d} becomes a tombstone keyed by the id in {@code before} (the only
 * field of {@code before} that is read). Pure and stateless; anything else throws {@link
 * UnmappableChangeException}, which names the id.
 */
public final class ChangeEventMapper {

  /**
   * The record for {@code event}, or empty for an event without a value (a Debezium tombstone,
   * which the ingestor's settings turn off; there is nothing to forward).
   */
  public Optional<CdcRecord> map(SourceRecord event) {
    Object value = event.value();
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Struct envelope)) {
      throw new UnmappableChangeException(null, null, "the event is not a Debezium envelope");
    }
    Struct source = struct(envelope, "source");
    Long lsn = source == null ? null : integral(source, "lsn");
    Object op = RowReader.valueOf(envelope, "op");
    if ("c".equals(op) || "u".equals(op) || "r".equals(op)) {
      return Optional.of(change((String) op, struct(envelope, "after"), source, lsn));
    }
    if ("d".equals(op)) {
      return Optional.of(CdcRecord.tombstone(idOf(struct(envelope, "before"), lsn), lsn));
    }
    throw new UnmappableChangeException(
        idOrNull(envelope), lsn, "operation '" + (op == null ? "" : op) + "' is not a row change");
  }

  private static CdcRecord change(String op, Struct after, Struct source, Long lsn) {
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
  private static Instant committedAt(Struct source, RowReader row) {
    Long micros = source == null ? null : integral(source, "ts_us");
    if (micros != null) {
      return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
    Long millis = source == null ? null : integral(source, "ts_ms");
    if (millis != null) {
      return Instant.ofEpochMilli(millis);
    }
    throw row.fail("the event has no source timestamp (source.ts_us or source.ts_ms)");
  }

  private static String idOf(Struct row, Long lsn) {
    String id = idIn(row);
    if (id == null) {
      throw new UnmappableChangeException(null, lsn, "the event has no row id");
    }
    return id;
  }

  private static String idOrNull(Struct envelope) {
    String id = idIn(struct(envelope, "after"));
    return id != null ? id : idIn(struct(envelope, "before"));
  }

  /** The row's id, or null when there is no row or it has no textual id. */
  private static String idIn(Struct row) {
    return row != null && RowReader.valueOf(row, "id") instanceof String id ? id : null;
  }

  private static Struct struct(Struct parent, String field) {
    return RowReader.valueOf(parent, field) instanceof Struct struct ? struct : null;
  }

  private static Long integral(Struct struct, String field) {
    Object value = RowReader.valueOf(struct, field);
    return value instanceof Long || value instanceof Integer ? ((Number) value).longValue() : null;
  }
}

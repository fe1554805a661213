package org.schedmsg.sender.core.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.schedmsg.contracts.serde.Json;
import org.schedmsg.recurrence.InvalidRecurrenceException;
import org.schedmsg.recurrence.NextOccurrence;
import org.schedmsg.recurrence.Occurrence;
import org.schedmsg.recurrence.RecurrencePattern;
import org.schedmsg.recurrence.SeriesLink;
import org.schedmsg.sender.core.retry.SeriesEndingFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts the next occurrence of a recurring row, inside the transaction that wrote the row's
 * terminal status (see the module README, "Recurring messages"). The sender role may not INSERT: it
 * calls {@code schedmsg_insert_next_occurrence} (migration V12), which copies everything but the
 * time from the finished row and checks what the sender computed from the recurrence rule (the
 * occurrence's time and number, and its id: a name-based UUID of the series id and the instant). A
 * repeat inserts nothing (the function keeps one next occurrence per finished row).
 */
final class SeriesContinuation {
  private static final Logger LOG = LoggerFactory.getLogger(SeriesContinuation.class);

  /** Appended to a terminal {@code UPDATE}: the columns the next occurrence is computed from. */
  static final String RETURNING =
      " RETURNING id, scheduled_time, delivery_window_seconds, recurrence_pattern::text,"
          + " metadata::text";

  /**
   * The finished row's id, the next row's id, time and occurrence number, and the series start
   * (used only when the finished row is the first of its series); true when inserted. The function
   * copies recipient, text, platform, template, parameters, patient, priority, window and pattern
   * from the finished row and writes the series link into {@code metadata}.
   */
  static final String INSERT_NEXT = "SELECT public.schedmsg_insert_next_occurrence(?, ?, ?, ?, ?)";

  private SeriesContinuation() {}

  /**
   * The series link of a row about to be claimed, or empty for a row without a pattern; throws
   * {@link InvalidRecurrenceException} when the pattern or the link cannot be read.
   */
  static Optional<SeriesLink> validate(
      UUID id, Instant scheduledTime, String pattern, String meta) {
    if (pattern == null) {
      return Optional.empty();
    }
    RecurrencePattern parsed = RecurrencePattern.parse(pattern);
    return Optional.of(SeriesLink.of(id, scheduledTime, parsed.timezone(), json(meta)));
  }

  /**
   * Inserts the occurrence after the row in {@code returned} (positioned on the row, see {@link
   * #RETURNING}) unless the row does not recur or {@code reason} ends its series. Occurrences due
   * before {@code now} minus the row's delivery window are skipped. Returns the next row's id.
   */
  static Optional<UUID> insertNext(Connection c, ResultSet returned, String reason, Instant now)
      throws SQLException {
    String pattern = returned.getString(4);
    UUID id = returned.getObject(1, UUID.class);
    if (pattern == null || SeriesEndingFailures.endsSeries(reason)) {
      return Optional.empty();
    }
    Instant scheduled = returned.getObject(2, OffsetDateTime.class).toInstant();
    int windowSeconds = returned.getInt(3);
    Instant notBefore = now.minusSeconds(returned.wasNull() ? 0 : windowSeconds);
    RecurrencePattern parsed = RecurrencePattern.parse(pattern);
    SeriesLink link = SeriesLink.of(id, scheduled, parsed.timezone(), json(returned.getString(5)));
    Instant after = scheduled.isAfter(notBefore) ? scheduled : notBefore;
    Optional<Occurrence> next = NextOccurrence.after(parsed, link.start(), after);
    if (next.isEmpty()) {
      LOG.info("series {} ended after message {} (count, until or rule)", link.seriesId(), id);
      return Optional.empty();
    }
    UUID nextId = link.idOf(next.get());
    try (PreparedStatement ps = c.prepareStatement(INSERT_NEXT)) {
      ps.setObject(1, id);
      ps.setObject(2, nextId);
      ps.setObject(3, OffsetDateTime.ofInstant(next.get().time(), ZoneOffset.UTC));
      ps.setInt(4, next.get().number());
      ps.setString(5, link.start().toString());
      boolean inserted;
      try (ResultSet rs = ps.executeQuery()) {
        inserted = rs.next() && rs.getBoolean(1);
      }
      LOG.info(
          "series {} message {}: next occurrence {} (number {}) at {} {}",
          link.seriesId(),
          id,
          nextId,
          next.get().number(),
          next.get().time(),
          inserted ? "inserted" : "already present");
    }
    return Optional.of(nextId);
  }

  private static JsonNode json(String text) {
    try {
      return text == null ? null : Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidRecurrenceException("metadata_not_json", e);
    }
  }
}

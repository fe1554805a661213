package org.schedmsg.recurrence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * The link of one row to its series, kept in {@code metadata}: {@code "series_id"} (the id of the
 * first occurrence), {@code "occurrence"} (1-based) and {@code "series_start"} (the first
 * occurrence's wall-clock time in the pattern's zone, e.g. {@code "2026-03-01T08:00"}: the rule's
 * DTSTART, so a time moved by a DST gap never shifts later occurrences). The first row may carry
 * none of them: its own id, number 1 and its own scheduled time are used.
 */
public record SeriesLink(UUID seriesId, int occurrence, LocalDateTime start) {
  public static final String SERIES_ID = "series_id";
  public static final String OCCURRENCE = "occurrence";
  public static final String SERIES_START = "series_start";

  public SeriesLink {
    Objects.requireNonNull(seriesId, "seriesId");
    Objects.requireNonNull(start, "start");
  }

  /**
   * The link of row {@code id} due at {@code scheduledTime}, from its {@code metadata} (may be
   * null); a row without a complete link is the first of its own series.
   */
  public static SeriesLink of(UUID id, Instant scheduledTime, ZoneId zone, JsonNode metadata) {
    if (metadata != null
        && metadata.hasNonNull(SERIES_ID)
        && metadata.hasNonNull(OCCURRENCE)
        && metadata.hasNonNull(SERIES_START)) {
      try {
        return new SeriesLink(
            UUID.fromString(metadata.get(SERIES_ID).asText()),
            metadata.get(OCCURRENCE).asInt(),
            LocalDateTime.parse(metadata.get(SERIES_START).asText()));
      } catch (IllegalArgumentException | DateTimeParseException e) {
        throw new InvalidRecurrenceException("invalid_series_metadata", e);
      }
    }
    return new SeriesLink(
        id, 1, LocalDateTime.ofInstant(scheduledTime, zone).truncatedTo(ChronoUnit.SECONDS));
  }

  /** The link of {@code next}, the following row of this series. */
  public SeriesLink next(Occurrence next) {
    return new SeriesLink(seriesId, next.number(), start);
  }

  /** The id of the row for {@code next}: deterministic (see {@link NextOccurrence}). */
  public UUID idOf(Occurrence next) {
    return NextOccurrence.occurrenceId(seriesId, next.time());
  }

  /** The three metadata fields, to merge into a row's metadata. */
  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put(SERIES_ID, seriesId.toString());
    node.put(OCCURRENCE, occurrence);
    node.put(SERIES_START, start.toString());
    return node;
  }
}

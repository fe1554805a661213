package org.schedmsg.recurrence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;

/**
 * The {@code recurrence_pattern} JSONB column: {@code {"rrule":
 * "FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0", "timezone": "Europe/Berlin", "until":
 * "2026-12-31T23:59:59Z", "count": 60}}. {@code rrule} is an RFC 5545 RRULE value (without the
 * {@code RRULE:} prefix), {@code timezone} an IANA zone id; {@code until} (an instant, inclusive)
 * and {@code count} (occurrences in the whole series, counting the first row) are optional and
 * combine with an {@code UNTIL} or {@code COUNT} inside the rule (the earlier end wins).
 *
 * @param until null when absent
 * @param count null when absent
 */
public record RecurrencePattern(String rrule, ZoneId timezone, Instant until, Integer count) {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("rrule", "timezone", "until", "count");

  public RecurrencePattern {
    if (rrule == null || rrule.isBlank()) {
      throw new InvalidRecurrenceException("missing_rrule");
    }
    Objects.requireNonNull(timezone, "timezone");
    if (count != null && count < 1) {
      throw new InvalidRecurrenceException("count_not_positive");
    }
    rule(rrule);
  }

  /** Reads the column's JSON text; throws {@link InvalidRecurrenceException} naming the fault. */
  public static RecurrencePattern parse(String json) {
    JsonNode node;
    try {
      node = json == null ? null : MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidRecurrenceException("not_json", e);
    }
    if (node == null || !node.isObject()) {
      throw new InvalidRecurrenceException("not_an_object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      if (!FIELDS.contains(names.next())) {
        throw new InvalidRecurrenceException("unknown_field");
      }
    }
    return new RecurrencePattern(text(node, "rrule"), zone(node), until(node), count(node));
  }

  /** The rule as lib-recur reads it (strict RFC 5545). */
  RecurrenceRule rule() {
    return rule(rrule);
  }

  private static RecurrenceRule rule(String rrule) {
    try {
      return new RecurrenceRule(rrule, RecurrenceRule.RfcMode.RFC5545_STRICT);
    } catch (InvalidRecurrenceRuleException | IllegalArgumentException e) {
      throw new InvalidRecurrenceException("invalid_rrule", e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new InvalidRecurrenceException(field + "_not_a_string");
    }
    return value.asText();
  }

  private static ZoneId zone(JsonNode node) {
    String id = text(node, "timezone");
    if (id == null || id.isBlank()) {
      throw new InvalidRecurrenceException("missing_timezone");
    }
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      throw new InvalidRecurrenceException("unknown_timezone", e);
    }
  }

  private static Instant until(JsonNode node) {
    String value = text(node, "until");
    try {
      return value == null ? null : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidRecurrenceException("invalid_until", e);
    }
  }

  private static Integer count(JsonNode node) {
    JsonNode value = node.get("count");
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.canConvertToExactIntegral() || !value.canConvertToInt()) {
      throw new InvalidRecurrenceException("count_not_an_integer");
    }
    return value.asInt();
  }
}

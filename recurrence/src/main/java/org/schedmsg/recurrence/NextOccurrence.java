package org.schedmsg.recurrence;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.UUID;
import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;

/**
 * Computes occurrences of a {@link RecurrencePattern}. The rule is expanded from the series' start
 * as wall-clock times of the pattern's zone (RFC 5545 floating times), each then placed in the
 * zone:
 *
 * <ul>
 *   <li>a local time that does not exist (spring forward) moves forward by the length of the gap
 *       (02:30 on a night that skips 02:00-03:00 becomes 03:30);
 *   <li>a local time that occurs twice (fall back) is due once, at its first (earlier) instant;
 *   <li>two local times that land on the same instant (an hourly rule across a gap) are one
 *       occurrence.
 * </ul>
 *
 * The first row of a series is occurrence 1 whether or not it matches the rule (as DTSTART does in
 * RFC 5545); {@code count} counts it.
 */
public final class NextOccurrence {
  /** Rule instances looked at per call at most (a secondly rule over a long outage). */
  static final int MAX_STEPS = 2_000_000;

  private NextOccurrence() {}

  /**
   * The first occurrence due strictly after {@code after}, of the series that started at {@code
   * start} (a wall-clock time of the pattern's zone), or empty when the series has ended ({@code
   * count}, {@code until}, a rule that stops).
   */
  public static Optional<Occurrence> after(
      RecurrencePattern pattern, LocalDateTime start, Instant after) {
    RecurrenceRule rule = pattern.rule();
    Integer count = min(pattern.count(), rule.getCount());
    Instant until = earlier(pattern.until(), untilOf(rule, pattern.timezone()));
    rule.setUntil(null);
    ZoneId zone = pattern.timezone();
    Instant previous = at(start, zone);
    if (previous.isAfter(after)) {
      return Optional.of(new Occurrence(previous, 1));
    }
    RecurrenceRuleIterator instances = rule.iterator(floating(start));
    int number = 1;
    for (int step = 0; step < MAX_STEPS && instances.hasNext(); step++) {
      LocalDateTime local = local(instances.nextDateTime());
      Instant time = at(local, zone);
      if (!local.isAfter(start) || !time.isAfter(previous)) {
        continue;
      }
      number++;
      if ((count != null && number > count) || (until != null && time.isAfter(until))) {
        return Optional.empty();
      }
      if (time.isAfter(after)) {
        return Optional.of(new Occurrence(time, number));
      }
      previous = time;
    }
    return Optional.empty();
  }

  /** The instant of wall-clock time {@code local} in {@code zone} by the rules above. */
  public static Instant at(LocalDateTime local, ZoneId zone) {
    return ZonedDateTime.ofLocal(local, zone, null).toInstant();
  }

  /**
   * The id of the occurrence of series {@code seriesId} due at {@code time}: a name-based UUID, so
   * computing the same next occurrence twice gives the same id.
   */
  public static UUID occurrenceId(UUID seriesId, Instant time) {
    return UUID.nameUUIDFromBytes(
        ("schedmsg-occurrence:" + seriesId + ":" + time).getBytes(StandardCharsets.UTF_8));
  }

  private static Instant untilOf(RecurrenceRule rule, ZoneId zone) {
    DateTime until = rule.getUntil();
    if (until == null) {
      return null;
    }
    if (until.isAllDay()) {
      return at(local(until).plusDays(1), zone).minusNanos(1);
    }
    if (until.isFloating()) {
      return at(local(until), zone);
    }
    return Instant.ofEpochMilli(until.getTimestamp());
  }

  private static DateTime floating(LocalDateTime local) {
    return new DateTime(
        local.getYear(),
        local.getMonthValue() - 1,
        local.getDayOfMonth(),
        local.getHour(),
        local.getMinute(),
        local.getSecond());
  }

  private static LocalDateTime local(DateTime value) {
    if (!value.isFloating() && !value.isAllDay()) {
      return LocalDateTime.ofInstant(Instant.ofEpochMilli(value.getTimestamp()), ZoneOffset.UTC);
    }
    return LocalDateTime.of(
        value.getYear(),
        value.getMonth() + 1,
        value.getDayOfMonth(),
        value.isAllDay() ? 0 : value.getHours(),
        value.isAllDay() ? 0 : value.getMinutes(),
        value.isAllDay() ? 0 : value.getSeconds());
  }

  private static Integer min(Integer a, Integer b) {
    return a == null ? b : b == null ? a : Integer.valueOf(Math.min(a, b));
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
  }
}

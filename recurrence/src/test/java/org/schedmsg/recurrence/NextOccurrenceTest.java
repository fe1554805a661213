package org.schedmsg.recurrence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class NextOccurrenceTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static RecurrencePattern pattern(String rrule, ZoneId zone) {
    return new RecurrencePattern(rrule, zone, null, null);
  }

  /** The series' occurrences after its first, as a sender would insert them one by one. */
  private static List<Instant> series(RecurrencePattern pattern, LocalDateTime start, int max) {
    List<Instant> times = new ArrayList<>();
    Instant after = NextOccurrence.at(start, pattern.timezone());
    times.add(after);
    while (times.size() < max) {
      Optional<Occurrence> next = NextOccurrence.after(pattern, start, after);
      if (next.isEmpty()) {
        break;
      }
      assertThat(next.get().number()).isEqualTo(times.size() + 1);
      times.add(next.get().time());
      after = next.get().time();
    }
    return times;
  }

  @Test
  void shouldDeliverAtLocalTimesWhenDailyTwiceInBerlin() {
    RecurrencePattern daily = pattern("FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0;BYSECOND=0", BERLIN);

    assertThat(series(daily, LocalDateTime.parse("2026-07-01T08:00"), 4))
        .containsExactly(
            Instant.parse("2026-07-01T06:00:00Z"),
            Instant.parse("2026-07-01T18:00:00Z"),
            Instant.parse("2026-07-02T06:00:00Z"),
            Instant.parse("2026-07-02T18:00:00Z"));
  }

  @Test
  void shouldMoveForwardByGapWhenLocalTimeDoesNotExistInBerlin() {
    // 2026-03-29: Berlin skips 02:00-03:00 (CET -> CEST)
    RecurrencePattern daily = pattern("FREQ=DAILY;BYHOUR=2;BYMINUTE=30;BYSECOND=0", BERLIN);

    assertThat(series(daily, LocalDateTime.parse("2026-03-28T02:30"), 3))
        .containsExactly(
            Instant.parse("2026-03-28T01:30:00Z"), // 02:30 CET
            Instant.parse("2026-03-29T01:30:00Z"), // 03:30 CEST: moved by the hour gap
            Instant.parse("2026-03-30T00:30:00Z")); // 02:30 CEST again
  }

  @Test
  void shouldDeliverOnceWhenLocalTimeOccursTwiceInBerlin() {
    // 2026-10-25: Berlin repeats 02:00-03:00 (CEST -> CET)
    RecurrencePattern hourly = pattern("FREQ=HOURLY;BYMINUTE=30;BYSECOND=0", BERLIN);

    assertThat(series(hourly, LocalDateTime.parse("2026-10-25T01:30"), 3))
        .containsExactly(
            Instant.parse("2026-10-24T23:30:00Z"), // 01:30 CEST
            Instant.parse("2026-10-25T00:30:00Z"), // 02:30 CEST, the first of the two
            Instant.parse("2026-10-25T02:30:00Z")); // 03:30 CET; 02:30 CET is not repeated
  }

  @Test
  void shouldMoveForwardByGapWhenLocalTimeDoesNotExistInNewYork() {
    // 2026-03-08: New York skips 02:00-03:00 (EST -> EDT)
    RecurrencePattern daily = pattern("FREQ=DAILY;BYHOUR=2;BYMINUTE=15;BYSECOND=0", NEW_YORK);

    assertThat(series(daily, LocalDateTime.parse("2026-03-07T02:15"), 3))
        .containsExactly(
            Instant.parse("2026-03-07T07:15:00Z"), // 02:15 EST
            Instant.parse("2026-03-08T07:15:00Z"), // 03:15 EDT
            Instant.parse("2026-03-09T06:15:00Z")); // 02:15 EDT
  }

  @Test
  void shouldDeliverOnceWhenLocalTimeOccursTwiceInNewYork() {
    // 2026-11-01: New York repeats 01:00-02:00 (EDT -> EST)
    RecurrencePattern daily = pattern("FREQ=DAILY;BYHOUR=1;BYMINUTE=30;BYSECOND=0", NEW_YORK);

    assertThat(series(daily, LocalDateTime.parse("2026-10-31T01:30"), 3))
        .containsExactly(
            Instant.parse("2026-10-31T05:30:00Z"), // 01:30 EDT
            Instant.parse("2026-11-01T05:30:00Z"), // 01:30 EDT, the first; not 06:30Z again
            Instant.parse("2026-11-02T06:30:00Z")); // 01:30 EST
  }

  @Test
  void shouldCountHourlyAcrossGapOnceWhenTwoLocalTimesMeetInOneInstant() {
    RecurrencePattern hourly = pattern("FREQ=HOURLY;BYMINUTE=0;BYSECOND=0", NEW_YORK);

    assertThat(series(hourly, LocalDateTime.parse("2026-03-08T01:00"), 3))
        .containsExactly(
            Instant.parse("2026-03-08T06:00:00Z"), // 01:00 EST
            Instant.parse("2026-03-08T07:00:00Z"), // 02:00 -> 03:00 EDT
            Instant.parse("2026-03-08T08:00:00Z")); // 04:00 EDT (03:00 is the same instant)
  }

  @Test
  void shouldKeepWallClockTimeAfterDstWhenRuleTakesTimeFromStart() {
    RecurrencePattern daily = pattern("FREQ=DAILY", BERLIN);

    assertThat(series(daily, LocalDateTime.parse("2026-03-28T02:30"), 3))
        .containsExactly(
            Instant.parse("2026-03-28T01:30:00Z"),
            Instant.parse("2026-03-29T01:30:00Z"),
            Instant.parse("2026-03-30T00:30:00Z")); // back at 02:30, not stuck at 03:30
  }

  @Test
  void shouldEndSeriesWhenCountIsReached() {
    RecurrencePattern thrice = new RecurrencePattern("FREQ=DAILY", BERLIN, null, 3);

    assertThat(series(thrice, LocalDateTime.parse("2026-07-01T08:00"), 10)).hasSize(3);
  }

  @Test
  void shouldEndSeriesWhenCountInRuleIsReached() {
    RecurrencePattern thrice = pattern("FREQ=SECONDLY;INTERVAL=3;COUNT=3", ZoneId.of("UTC"));

    assertThat(series(thrice, LocalDateTime.parse("2026-07-01T08:00:00"), 10))
        .containsExactly(
            Instant.parse("2026-07-01T08:00:00Z"),
            Instant.parse("2026-07-01T08:00:03Z"),
            Instant.parse("2026-07-01T08:00:06Z"));
  }

  @Test
  void shouldEndSeriesWhenUntilIsPassed() {
    RecurrencePattern untilThird =
        new RecurrencePattern("FREQ=DAILY", BERLIN, Instant.parse("2026-07-03T06:00:00Z"), null);

    assertThat(series(untilThird, LocalDateTime.parse("2026-07-01T08:00"), 10))
        .containsExactly(
            Instant.parse("2026-07-01T06:00:00Z"),
            Instant.parse("2026-07-02T06:00:00Z"),
            Instant.parse("2026-07-03T06:00:00Z"));
  }

  @Test
  void shouldEndSeriesWhenUntilInRuleIsPassed() {
    RecurrencePattern untilSecond = pattern("FREQ=DAILY;UNTIL=20260702T235959Z", BERLIN);

    assertThat(series(untilSecond, LocalDateTime.parse("2026-07-01T08:00"), 10)).hasSize(2);
  }

  @Test
  void shouldFollowWeekdaysWhenWeekly() {
    RecurrencePattern weekly =
        pattern("FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=0;BYSECOND=0", BERLIN);

    // 2026-07-06 is a Monday
    assertThat(series(weekly, LocalDateTime.parse("2026-07-06T09:00"), 4))
        .containsExactly(
            Instant.parse("2026-07-06T07:00:00Z"),
            Instant.parse("2026-07-09T07:00:00Z"),
            Instant.parse("2026-07-13T07:00:00Z"),
            Instant.parse("2026-07-16T07:00:00Z"));
  }

  @Test
  void shouldSkipShortMonthsWhenMonthlyOnThe31st() {
    RecurrencePattern monthly = pattern("FREQ=MONTHLY;BYMONTHDAY=31", NEW_YORK);

    assertThat(series(monthly, LocalDateTime.parse("2026-01-31T10:00"), 3))
        .containsExactly(
            Instant.parse("2026-01-31T15:00:00Z"),
            Instant.parse("2026-03-31T14:00:00Z"), // EDT from March 8
            Instant.parse("2026-05-31T14:00:00Z"));
  }

  @Test
  void shouldFollowLastWeekdayWhenMonthlyBySetPos() {
    RecurrencePattern lastFriday = pattern("FREQ=MONTHLY;BYDAY=-1FR", BERLIN);

    assertThat(series(lastFriday, LocalDateTime.parse("2026-01-30T18:00"), 3))
        .containsExactly(
            Instant.parse("2026-01-30T17:00:00Z"),
            Instant.parse("2026-02-27T17:00:00Z"),
            Instant.parse("2026-03-27T17:00:00Z"));
  }

  @Test
  void shouldSkipOccurrencesWhoseWindowPassedWhenAfterAnOutage() {
    RecurrencePattern hourly = pattern("FREQ=HOURLY", ZoneId.of("UTC"));
    LocalDateTime start = LocalDateTime.parse("2026-07-01T00:00");
    // the sender was down from 00:00 to 05:10; the window is 60 s: the next is 06:00, number 7
    Instant now = Instant.parse("2026-07-01T05:10:00Z");

    Optional<Occurrence> next = NextOccurrence.after(hourly, start, now.minusSeconds(60));

    assertThat(next).contains(new Occurrence(Instant.parse("2026-07-01T06:00:00Z"), 7));
  }

  @Test
  void shouldGiveSameIdWhenSameOccurrenceIsComputedTwice() {
    UUID series = UUID.randomUUID();
    Instant time = Instant.parse("2026-07-01T06:00:00Z");

    assertThat(NextOccurrence.occurrenceId(series, time))
        .isEqualTo(NextOccurrence.occurrenceId(series, time))
        .isNotEqualTo(NextOccurrence.occurrenceId(series, time.plusSeconds(1)))
        .isNotEqualTo(NextOccurrence.occurrenceId(UUID.randomUUID(), time));
  }
}

package org.schedmsg.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JudgeTest {
  private static final Instant T = Instant.parse("2026-12-03T10:00:00Z");
  private static final Instant JUDGED = T.plusSeconds(600);
  private final Judge judge = new Judge();

  private static RowState row(String text, String recipient, Instant due, String status) {
    return row(text, recipient, due, status, 5, null, 0);
  }

  private static RowState row(
      String text,
      String recipient,
      Instant due,
      String status,
      int priority,
      String group,
      int abandoned) {
    return new RowState(
        UUID.randomUUID(),
        "telegram",
        recipient,
        text,
        due,
        60,
        priority,
        status,
        null,
        group,
        abandoned,
        "test",
        null);
  }

  private static JournalEntry sent(String text, String recipient, Instant at) {
    return new JournalEntry("telegram", recipient, text, at, 200);
  }

  @Test
  void shouldPassWhenEveryRowWasDeliveredOnceOnTimeToItsRecipient() {
    List<RowState> rows =
        List.of(row("a", "1", T, "sent"), row("b", "2", T, "sent"), row("c", "3", T, "cancelled"));
    List<JournalEntry> journal =
        List.of(sent("a", "1", T.plusMillis(300)), sent("b", "2", T.plusMillis(310)));

    Verdict verdict = judge.judge(rows, List.of(), journal, 0, JUDGED);

    assertThat(verdict.passed()).isTrue();
    assertThat(verdict.messages()).isEqualTo(3);
  }

  @Test
  void shouldCountLostWhenDueRowIsStillPending() {
    List<RowState> rows =
        List.of(row("a", "1", T, "pending"), row("b", "2", JUDGED.plusSeconds(60), "pending"));

    Verdict verdict = judge.judge(rows, List.of(), List.of(), 0, JUDGED);

    assertThat(verdict.lost()).isEqualTo(1);
    assertThat(verdict.passed()).isFalse();
  }

  @Test
  void shouldCountDuplicateBeyondBound() {
    RowState crashed = row("a", "1", T, "sent", 5, null, 1);
    RowState other = row("b", "2", T, "sent", 5, null, 1);
    List<JournalEntry> journal =
        List.of(
            sent("a", "1", T.plusSeconds(1)),
            sent("a", "1", T.plusSeconds(40)),
            sent("b", "2", T.plusSeconds(1)),
            sent("b", "2", T.plusSeconds(40)));

    Verdict verdict = judge.judge(List.of(crashed, other), List.of(), journal, 1, JUDGED);

    assertThat(verdict.duplicates()).isEqualTo(2);
    assertThat(verdict.passed()).isFalse();
  }

  @Test
  void shouldCountCrashWindowDuplicateAgainstTheBound() {
    RowState crashed = row("a", "1", T, "sent", 5, null, 1);
    List<JournalEntry> twice =
        List.of(sent("a", "1", T.plusSeconds(1)), sent("a", "1", T.plusSeconds(50)));

    Verdict withinBound = judge.judge(List.of(crashed), List.of(), twice, 8, JUDGED);
    Verdict noWindow = judge.judge(List.of(crashed), List.of(), twice, 0, JUDGED);

    assertThat(withinBound.duplicates()).isEqualTo(1);
    assertThat(withinBound.duplicatesOutsideCrashWindow()).isZero();
    assertThat(withinBound.crashWindowRows()).isEqualTo(1);
    assertThat(withinBound.passed()).isTrue();
    assertThat(noWindow.passed()).isFalse();
  }

  @Test
  void shouldFailDuplicateOnRowWithoutAbandonedAttemptEvenWithinBound() {
    RowState plain = row("a", "1", T, "sent");
    List<JournalEntry> twice =
        List.of(sent("a", "1", T.plusSeconds(1)), sent("a", "1", T.plusSeconds(50)));

    Verdict verdict = judge.judge(List.of(plain), List.of(), twice, 8, JUDGED);

    assertThat(verdict.duplicatesOutsideCrashWindow()).isEqualTo(1);
    assertThat(verdict.passed()).isFalse();
  }

  @Test
  void shouldAcceptFailedCrashWindowRowThatThePlatformReceived() {
    RowState crashed = row("a", "1", T, "failed", 5, null, 1);

    Verdict verdict =
        judge.judge(List.of(crashed), List.of(), List.of(sent("a", "1", T)), 8, JUDGED);

    assertThat(verdict.mismatches()).isZero();
    assertThat(verdict.duplicates()).isZero();
  }

  @Test
  void shouldCountMismatchWhenRowSaysSentButPlatformNeverAcceptedIt() {
    List<JournalEntry> refused = List.of(new JournalEntry("telegram", "1", "a", T, 502));

    Verdict verdict = judge.judge(List.of(row("a", "1", T, "sent")), List.of(), refused, 0, JUDGED);

    assertThat(verdict.mismatches()).isEqualTo(1);
    assertThat(verdict.passed()).isFalse();
  }

  @Test
  void shouldCountMismatchWhenCancelledOrFailedRowWasAccepted() {
    List<RowState> rows = List.of(row("a", "1", T, "cancelled"), row("b", "2", T, "failed"));
    List<JournalEntry> journal = List.of(sent("a", "1", T), sent("b", "2", T));

    Verdict verdict = judge.judge(rows, List.of(), journal, 0, JUDGED);

    assertThat(verdict.mismatches()).isEqualTo(2);
  }

  @Test
  void shouldCountMismatchWhenSentToAnotherRecipientOrOldVersionDelivered() {
    List<RowState> rows = List.of(row("new text", "2", T, "sent"));
    List<JournalEntry> journal =
        List.of(sent("new text", "1", T.plusSeconds(1)), sent("old text", "1", T.plusSeconds(1)));

    Verdict verdict = judge.judge(rows, List.of("old text"), journal, 0, JUDGED);

    assertThat(verdict.mismatches()).isEqualTo(2);
  }

  @Test
  void shouldCountEarlyWhenPlatformReceivedBeforeScheduledTimeEvenIfRefused() {
    List<JournalEntry> journal =
        List.of(
            new JournalEntry("telegram", "1", "a", T.minusMillis(5), 429),
            sent("a", "1", T.plusMillis(1)));

    Verdict verdict = judge.judge(List.of(row("a", "1", T, "sent")), List.of(), journal, 0, JUDGED);

    assertThat(verdict.early()).isEqualTo(1);
    assertThat(verdict.passed()).isFalse();
  }

  @Test
  void shouldCountLateWhenAcceptedAfterDeliveryWindow() {
    List<JournalEntry> journal = List.of(sent("a", "1", T.plusSeconds(61)));

    Verdict verdict = judge.judge(List.of(row("a", "1", T, "sent")), List.of(), journal, 0, JUDGED);

    assertThat(verdict.late()).isEqualTo(1);
  }

  @Test
  void shouldJudgeRecurringSeriesOccurrenceByOccurrence() {
    RowState first = row("s", "1", T, "sent");
    RowState second = row("s", "1", T.plusSeconds(15), "sent");
    List<JournalEntry> onTime =
        List.of(
            sent("s", "1", T.plusMillis(200)), sent("s", "1", T.plusSeconds(15).plusMillis(200)));
    List<JournalEntry> secondEarly =
        List.of(sent("s", "1", T.plusMillis(200)), sent("s", "1", T.plusSeconds(10)));

    assertThat(judge.judge(List.of(first, second), List.of(), onTime, 0, JUDGED).passed()).isTrue();
    assertThat(judge.judge(List.of(first, second), List.of(), secondEarly, 0, JUDGED).early())
        .isEqualTo(1);
  }

  @Test
  void shouldCountInversionOnlyBeyondTolerance() {
    RowState urgent = row("u", "1", T, "sent", 1, "g", 0);
    RowState bulk = row("b", "2", T, "sent", 9, "g", 0);
    List<JournalEntry> withinTolerance =
        List.of(sent("b", "2", T.plusMillis(100)), sent("u", "1", T.plusMillis(180)));
    List<JournalEntry> beyond =
        List.of(sent("b", "2", T.plusMillis(100)), sent("u", "1", T.plusMillis(400)));

    assertThat(
            judge.judge(List.of(urgent, bulk), List.of(), withinTolerance, 0, JUDGED).inversions())
        .isZero();
    Verdict verdict = judge.judge(List.of(urgent, bulk), List.of(), beyond, 0, JUDGED);
    assertThat(verdict.inversions()).isEqualTo(1);
    assertThat(verdict.passed()).isFalse();
  }

  @Test
  void shouldCountInversionApartWhenUrgentRowWasRetriedAfterCrash() {
    RowState urgentCut = row("u", "1", T, "sent", 1, "g", 1);
    RowState urgent = row("v", "3", T, "sent", 2, "g", 0);
    RowState bulk = row("b", "2", T, "sent", 9, "g", 0);
    List<JournalEntry> journal =
        List.of(
            sent("b", "2", T.plusMillis(100)),
            sent("v", "3", T.plusMillis(150)),
            sent("u", "1", T.plusSeconds(45)));

    Verdict verdict = judge.judge(List.of(urgentCut, urgent, bulk), List.of(), journal, 8, JUDGED);

    assertThat(verdict.crashWindowInversions()).isEqualTo(2);
    assertThat(verdict.inversions()).isZero();
    assertThat(verdict.passed()).isTrue();
  }

  @Test
  void shouldCountInversionApartWhenKilledSchedulerInstanceHeldTheUrgentRow() {
    RowState held = row("u", "1", T, "sent", 1, "g", 0);
    RowState bulk = row("b", "2", T, "sent", 9, "g", 0);
    List<JournalEntry> journal =
        List.of(sent("b", "2", T.plusMillis(100)), sent("u", "1", T.plusSeconds(12)));

    Verdict excused =
        judge.judge(
            List.of(held, bulk), List.of(), journal, 0, JUDGED, java.util.Set.of(held.id()));
    Verdict counted = judge.judge(List.of(held, bulk), List.of(), journal, 0, JUDGED);

    assertThat(excused.crashWindowInversions()).isEqualTo(1);
    assertThat(excused.passed()).isTrue();
    assertThat(counted.inversions()).isEqualTo(1);
    assertThat(counted.passed()).isFalse();
  }

  @Test
  void shouldIgnoreJournalEntriesOfOtherScenarios() {
    List<JournalEntry> journal = new ArrayList<>();
    journal.add(sent("a", "1", T));
    journal.add(sent("someone else's", "9", T.minusSeconds(30)));

    Verdict verdict = judge.judge(List.of(row("a", "1", T, "sent")), List.of(), journal, 0, JUDGED);

    assertThat(verdict.passed()).isTrue();
  }
}

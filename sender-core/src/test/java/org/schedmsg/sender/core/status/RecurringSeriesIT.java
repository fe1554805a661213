package org.schedmsg.sender.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.recurrence.NextOccurrence;
import org.schedmsg.sender.core.retry.Decision;
import org.schedmsg.sender.core.testing.MessageRows;
import org.schedmsg.sender.core.testing.TestRequests;

/**
 * The next occurrence of a recurring row, inserted by the terminal writes on PostgreSQL with the
 * real migrations, as the sender role (which may not INSERT: the next occurrence goes through the
 * function of migration V12). Claims are decided by the database's clock, so every series starts
 * relative to the test's clock.
 */
class RecurringSeriesIT {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final String DAILY_BERLIN =
      "{\"rrule\": \"FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0;BYSECOND=0\","
          + " \"timezone\": \"Europe/Berlin\", \"count\": 60}";
  private static final String DAILY_UTC = "{\"rrule\": \"FREQ=DAILY\", \"timezone\": \"UTC\"}";
  private static final int HOUR = 3600;
  private static final int DAY = 86_400;

  private static MessageRows rows;
  private static MessageStatusRepository repository;

  @BeforeAll
  static void database() {
    TestDatabase db = TestInfrastructure.shared().newDatabase();
    rows = new MessageRows(db.dataSource());
    repository =
        new JdbcMessageStatusRepository(
            db.dataSource(db.senderUser(), db.senderPassword()), Platform.TELEGRAM);
  }

  /** Five seconds ago, whole seconds (a series' start is kept to the second). */
  private static Instant justDue() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5);
  }

  /** A daily UTC series whose first occurrence was due five seconds ago, window an hour. */
  private static DeliveryRequest dailyUtc() {
    return rows.insertRecurring(Platform.TELEGRAM, "4242", justDue(), HOUR, DAILY_UTC);
  }

  private static Claim.Claimed claimed(DeliveryRequest request) {
    Claim claim = repository.claim(request, LEASE);
    assertThat(claim).isInstanceOf(Claim.Claimed.class);
    return (Claim.Claimed) claim;
  }

  private static StatusWrite write(Decision.Kind kind, Claim.Claimed claimed, String text) {
    return new StatusWrite(
        kind,
        claimed.current().messageId(),
        claimed.attemptId(),
        claimed.current().rowVersion(),
        claimed.attempt(),
        claimed.claimedAt(),
        text,
        Instant.now().truncatedTo(ChronoUnit.MICROS),
        false);
  }

  @Test
  void shouldInsertOneNextRowWithDeterministicIdWhenOccurrenceIsSent() {
    // the latest 08:00 or 20:00 in Berlin: the rule's own times, so the next one is 12 hours on
    ZonedDateTime first = latestBerlinSlot(justDue());
    ZonedDateTime expected =
        first.getHour() == 8
            ? first.withHour(20)
            : ZonedDateTime.of(first.toLocalDate().plusDays(1), LocalTime.of(8, 0), BERLIN);
    DeliveryRequest request =
        rows.insertRecurring(Platform.TELEGRAM, "4242", first.toInstant(), 14 * HOUR, DAILY_BERLIN);

    assertThat(repository.record(write(Decision.Kind.SENT, claimed(request), "5501"))).isTrue();

    List<MessageRows.Recurring> next = rows.following(request.messageId());
    assertThat(next).hasSize(1);
    MessageRows.Recurring second = next.get(0);
    assertThat(second.id())
        .isEqualTo(NextOccurrence.occurrenceId(request.messageId(), expected.toInstant()));
    assertThat(second.status()).isEqualTo("pending");
    assertThat(second.attempts()).isZero();
    assertThat(second.scheduledTime()).isEqualTo(expected.toInstant());
    assertThat(second.pattern()).contains("Europe/Berlin");
    assertThat(second.metadata().get("series_id").asText())
        .isEqualTo(request.messageId().toString());
    assertThat(second.metadata().get("occurrence").asInt()).isEqualTo(2);
    assertThat(second.metadata().get("series_start").asText())
        .isEqualTo(first.toLocalDateTime().toString());
    assertThat(second.metadata().has("platform_message_id")).isFalse();
    assertThat(rows.rowVersion(second.id())).as("a new row starts at version 1").isOne();
  }

  @Test
  void shouldInsertNextRowOnlyForRecurringRowWhenBothAreSent() {
    DeliveryRequest occurrence = dailyUtc();
    DeliveryRequest single =
        rows.insertPending(Platform.TELEGRAM, "4244", "a single reminder", justDue(), 60, null);

    assertThat(repository.record(write(Decision.Kind.SENT, claimed(single), "5602"))).isTrue();
    assertThat(repository.record(write(Decision.Kind.SENT, claimed(occurrence), "5601"))).isTrue();

    assertThat(rows.following(occurrence.messageId())).hasSize(1);
    assertThat(rows.following(single.messageId())).isEmpty();
    assertThat(rows.read(single.messageId()).status()).isEqualTo("sent");
  }

  @Test
  void shouldInsertNothingWhenOutcomeKeepsRowPendingOrIsGivenBack() {
    DeliveryRequest request = dailyUtc();

    assertThat(repository.record(write(Decision.Kind.GIVE_BACK, claimed(request), "telegram:429")))
        .isTrue();
    assertThat(repository.record(write(Decision.Kind.RETRYABLE, claimed(request), "http_503")))
        .isTrue();

    assertThat(rows.following(request.messageId())).isEmpty();
    assertThat(rows.read(request.messageId()).status()).isEqualTo("pending");
  }

  @Test
  void shouldInsertNothingWhenTerminalTransactionIsRepeated() {
    DeliveryRequest request = dailyUtc();
    repository.record(write(Decision.Kind.SENT, claimed(request), "5501"));
    // a repeat of the terminal write on a row found pending again (e.g. put back by an operator
    // after a lost commit acknowledgement): the same next occurrence, same id, nothing new
    rows.setStatus(request.messageId(), "pending");
    DeliveryRequest again =
        TestRequests.withRowVersion(
            TestRequests.withAttempts(request, 1), rows.rowVersion(request.messageId()));

    assertThat(repository.record(write(Decision.Kind.SENT, claimed(again), "5501"))).isTrue();

    assertThat(rows.following(request.messageId())).hasSize(1);
  }

  @Test
  void shouldLinkThirdOccurrenceToFirstWhenSecondIsFailed() {
    // started a day ago with a two-day window: the second occurrence is due now
    Instant first = justDue().minus(Duration.ofDays(1));
    DeliveryRequest request =
        rows.insertRecurring(Platform.TELEGRAM, "4242", first, 2 * DAY, DAILY_UTC);
    repository.record(write(Decision.Kind.SENT, claimed(request), "5501"));
    MessageRows.Recurring second = rows.following(request.messageId()).get(0);
    assertThat(second.scheduledTime()).isEqualTo(first.plus(Duration.ofDays(1)));
    DeliveryRequest secondRequest =
        TestRequests.withId(request, second.id(), second.scheduledTime());

    assertThat(
            repository.record(
                write(
                    Decision.Kind.FAILED,
                    claimed(secondRequest),
                    "telegram:400:message_is_too_long")))
        .isTrue();

    List<MessageRows.Recurring> following = rows.following(request.messageId());
    assertThat(following).hasSize(2);
    assertThat(following.get(1).scheduledTime()).isEqualTo(first.plus(Duration.ofDays(2)));
    assertThat(following.get(1).metadata().get("occurrence").asInt()).isEqualTo(3);
    assertThat(following.get(1).metadata().get("series_id").asText())
        .isEqualTo(request.messageId().toString());
  }

  @Test
  void shouldInsertNothingWhenRecipientBlockedTheBot() {
    DeliveryRequest request = dailyUtc();

    assertThat(
            repository.record(
                write(
                    Decision.Kind.FAILED,
                    claimed(request),
                    "telegram:403:bot_was_blocked_by_the_user")))
        .isTrue();

    assertThat(rows.read(request.messageId()).errorMessage())
        .isEqualTo("telegram:403:bot_was_blocked_by_the_user");
    assertThat(rows.following(request.messageId())).isEmpty();
  }

  @Test
  void shouldSkipOccurrencesWhoseWindowPassedWhenExpiredAtClaimAfterOutage() {
    // due two days and an hour ago, a minute's window: expired at the claim, by the DB's clock
    Instant first = justDue().minus(Duration.ofDays(2)).minus(Duration.ofHours(1));
    DeliveryRequest request = rows.insertRecurring(Platform.TELEGRAM, "4242", first, DAILY_UTC);

    assertThat(repository.claim(request, LEASE))
        .isEqualTo(new Claim.Refused(Claim.Refusal.EXPIRED));

    assertThat(rows.read(request.messageId()).errorMessage()).isEqualTo("delivery_window_expired");
    List<MessageRows.Recurring> next = rows.following(request.messageId());
    assertThat(next).hasSize(1);
    assertThat(next.get(0).scheduledTime()).isEqualTo(first.plus(Duration.ofDays(3)));
    assertThat(next.get(0).metadata().get("occurrence").asInt()).isEqualTo(4);
  }

  @Test
  void shouldInsertNextRowWhenSchedulerRejectsExpiredOccurrence() {
    DeliveryRequest request = dailyUtc();
    RejectedMessage rejection =
        new RejectedMessage(
            RejectedMessage.SCHEMA_VERSION,
            request.messageId(),
            Platform.TELEGRAM,
            0,
            request.scheduledTime(),
            "delivery_window_expired",
            Instant.now(),
            request.rowVersion());

    assertThat(repository.reject(rejection, Instant.now())).isTrue();

    assertThat(rows.following(request.messageId())).hasSize(1);
  }

  @Test
  void shouldFailRowInvalidRecurrenceAtClaimWhenPatternIsInvalid() {
    DeliveryRequest request =
        rows.insertRecurring(
            Platform.TELEGRAM,
            "4242",
            justDue(),
            "{\"rrule\": \"FREQ=DAILY\", \"timezone\": \"Mars/Olympus\"}");
    Instant before = rows.databaseNow();

    assertThat(repository.claim(request, LEASE))
        .isEqualTo(new Claim.Refused(Claim.Refusal.UNUSABLE));

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.errorMessage()).isEqualTo("invalid_recurrence:unknown_timezone");
    assertThat(row.failedAt()).isBetween(before, rows.databaseNow());
    assertThat(row.attempts()).isZero();
    assertThat(rows.attempts(request.messageId())).as("nothing was sent").isEmpty();
    assertThat(rows.following(request.messageId())).isEmpty();
  }

  @Test
  void shouldInsertNothingWhenCountIsReached() {
    DeliveryRequest request =
        rows.insertRecurring(
            Platform.TELEGRAM,
            "4242",
            justDue(),
            HOUR,
            "{\"rrule\": \"FREQ=DAILY\", \"timezone\": \"UTC\", \"count\": 1}");

    assertThat(repository.record(write(Decision.Kind.SENT, claimed(request), "1"))).isTrue();

    assertThat(rows.following(request.messageId())).isEmpty();
  }

  @Test
  void shouldWriteRowWithoutNextOccurrenceWhenRecordedPlain() {
    DeliveryRequest request = dailyUtc();

    assertThat(repository.recordPlain(write(Decision.Kind.SENT, claimed(request), "1"))).isTrue();

    assertThat(rows.read(request.messageId()).status()).isEqualTo("sent");
    assertThat(rows.following(request.messageId())).isEmpty();
  }

  /** The latest 08:00 or 20:00 Berlin time not after {@code notAfter}. */
  private static ZonedDateTime latestBerlinSlot(Instant notAfter) {
    LocalDate today = notAfter.atZone(BERLIN).toLocalDate();
    for (LocalDateTime slot :
        List.of(today.atTime(20, 0), today.atTime(8, 0), today.minusDays(1).atTime(20, 0))) {
      ZonedDateTime at = ZonedDateTime.of(slot, BERLIN);
      if (!at.toInstant().isAfter(notAfter)) {
        return at;
      }
    }
    throw new IllegalStateException("unreachable");
  }
}

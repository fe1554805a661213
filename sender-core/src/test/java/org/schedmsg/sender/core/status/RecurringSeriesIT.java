package org.schedmsg.sender.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.recurrence.NextOccurrence;
import org.schedmsg.sender.core.testing.MessageRows;

/**
 * The next occurrence of a recurring row, inserted by the terminal writes on PostgreSQL with the
 * real migrations, as the sender role (so the tests also prove its INSERT grant).
 */
class RecurringSeriesIT {
  private static final Instant NOW = Instant.parse("2026-07-01T06:00:01Z");
  private static final Instant FIRST = Instant.parse("2026-07-01T06:00:00Z");
  private static final String DAILY_BERLIN =
      "{\"rrule\": \"FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0;BYSECOND=0\","
          + " \"timezone\": \"Europe/Berlin\", \"count\": 60}";

  private static MessageRows rows;
  private static MessageStatusRepository repository;

  @BeforeAll
  static void database() {
    TestDatabase db = TestInfrastructure.shared().newDatabase();
    rows = new MessageRows(db.dataSource());
    repository =
        new JdbcMessageStatusRepository(db.dataSource(db.senderUser(), db.senderPassword()));
  }

  private static DeliveryRequest claimed(String pattern) {
    DeliveryRequest request = rows.insertRecurring(Platform.TELEGRAM, "4242", FIRST, pattern);
    assertThat(repository.claim(request, NOW)).isTrue();
    return request;
  }

  @Test
  void shouldInsertOneNextRowWithDeterministicIdWhenOccurrenceIsSent() {
    DeliveryRequest request = claimed(DAILY_BERLIN);

    assertThat(repository.markSent(request, 1, "5501", NOW)).isTrue();

    Instant evening = Instant.parse("2026-07-01T18:00:00Z");
    List<MessageRows.Recurring> next = rows.following(request.messageId());
    assertThat(next).hasSize(1);
    MessageRows.Recurring second = next.get(0);
    assertThat(second.id()).isEqualTo(NextOccurrence.occurrenceId(request.messageId(), evening));
    assertThat(second.status()).isEqualTo("pending");
    assertThat(second.attempts()).isZero();
    assertThat(second.scheduledTime()).isEqualTo(evening);
    assertThat(second.pattern()).contains("Europe/Berlin");
    assertThat(second.metadata().get("occurrence").asInt()).isEqualTo(2);
    assertThat(second.metadata().get("series_start").asText()).isEqualTo("2026-07-01T08:00");
    assertThat(second.metadata().has("platform_message_id")).isFalse();
  }

  @Test
  void shouldContinueSeriesWhenOccurrenceIsClaimedAndSentInABatchWithSingleRows() {
    DeliveryRequest occurrence =
        rows.insertRecurring(Platform.TELEGRAM, "4243", FIRST, DAILY_BERLIN);
    DeliveryRequest single =
        rows.insertPending(Platform.TELEGRAM, "4244", "a single reminder", FIRST, 60, null);

    assertThat(repository.claimAll(List.of(single, occurrence, single), NOW))
        .containsExactly(true, true, false);
    assertThat(
            repository.applyAll(
                List.of(
                    new StatusWrite(StatusWrite.Kind.SENT, occurrence, 1, "5601", NOW),
                    new StatusWrite(StatusWrite.Kind.SENT, single, 1, "5602", NOW))))
        .containsExactly(true, true);

    assertThat(rows.following(occurrence.messageId())).hasSize(1);
    assertThat(rows.following(single.messageId())).isEmpty();
    assertThat(rows.read(single.messageId()).status()).isEqualTo("sent");
  }

  @Test
  void shouldInsertNothingWhenTerminalTransactionIsRepeated() {
    DeliveryRequest request = claimed(DAILY_BERLIN);
    repository.markSent(request, 1, "5501", NOW);
    // a repeat of the transaction that found the row still pending (e.g. after a lost commit
    // acknowledgement): the same next occurrence, same id, nothing new
    rows.setStatus(request.messageId(), "pending");

    assertThat(repository.markSent(request, 1, "5501", NOW.plusSeconds(1))).isTrue();

    assertThat(rows.following(request.messageId())).hasSize(1);
  }

  @Test
  void shouldLinkThirdOccurrenceToFirstWhenSecondIsSent() {
    DeliveryRequest request = claimed(DAILY_BERLIN);
    repository.markSent(request, 1, "5501", NOW);
    MessageRows.Recurring second = rows.following(request.messageId()).get(0);
    DeliveryRequest secondRequest =
        org.schedmsg.sender.core.testing.TestRequests.withId(
            request, second.id(), second.scheduledTime());
    Instant later = second.scheduledTime().plusSeconds(1);
    assertThat(repository.claim(secondRequest, later)).isTrue();

    assertThat(repository.markFailed(secondRequest, 1, "telegram:400:message_is_too_long", later))
        .isTrue();

    List<MessageRows.Recurring> following = rows.following(request.messageId());
    assertThat(following).hasSize(2);
    assertThat(following.get(1).scheduledTime()).isEqualTo(Instant.parse("2026-07-02T06:00:00Z"));
    assertThat(following.get(1).metadata().get("occurrence").asInt()).isEqualTo(3);
  }

  @Test
  void shouldInsertNothingWhenRecipientBlockedTheBot() {
    DeliveryRequest request = claimed(DAILY_BERLIN);

    assertThat(repository.markFailed(request, 1, "telegram:403:bot_was_blocked_by_the_user", NOW))
        .isTrue();

    assertThat(rows.read(request.messageId()).errorMessage())
        .isEqualTo("telegram:403:bot_was_blocked_by_the_user");
    assertThat(rows.following(request.messageId())).isEmpty();
  }

  @Test
  void shouldSkipOccurrencesWhoseWindowPassedWhenExpiredAfterOutage() {
    DeliveryRequest request = rows.insertRecurring(Platform.TELEGRAM, "4242", FIRST, DAILY_BERLIN);
    Instant afterOutage = Instant.parse("2026-07-02T18:30:00Z");

    assertThat(repository.expire(request, afterOutage)).isTrue();

    List<MessageRows.Recurring> next = rows.following(request.messageId());
    assertThat(next).hasSize(1);
    assertThat(next.get(0).scheduledTime()).isEqualTo(Instant.parse("2026-07-03T06:00:00Z"));
    assertThat(next.get(0).metadata().get("occurrence").asInt()).isEqualTo(5);
  }

  @Test
  void shouldInsertNextRowWhenScheduledRejectsExpiredOccurrence() {
    DeliveryRequest request = rows.insertRecurring(Platform.TELEGRAM, "4242", FIRST, DAILY_BERLIN);
    RejectedMessage rejection =
        new RejectedMessage(
            RejectedMessage.SCHEMA_VERSION,
            request.messageId(),
            Platform.TELEGRAM,
            0,
            request.scheduledTime(),
            "delivery_window_expired",
            NOW.plusSeconds(120));

    assertThat(repository.reject(rejection, NOW.plusSeconds(120))).isTrue();

    assertThat(rows.following(request.messageId())).hasSize(1);
  }

  @Test
  void shouldFailRowWithoutSendingWhenPatternIsInvalid() {
    DeliveryRequest request =
        rows.insertRecurring(
            Platform.TELEGRAM,
            "4242",
            FIRST,
            "{\"rrule\": \"FREQ=DAILY\", \"timezone\": \"Mars/Olympus\"}");

    assertThat(repository.claim(request, NOW)).isFalse();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.errorMessage()).isEqualTo("invalid_recurrence:unknown_timezone");
    assertThat(row.failedAt()).isEqualTo(NOW);
    assertThat(rows.following(request.messageId())).isEmpty();
  }

  @Test
  void shouldInsertNothingWhenCountIsReached() {
    DeliveryRequest request =
        claimed("{\"rrule\": \"FREQ=DAILY\", \"timezone\": \"UTC\", \"count\": 1}");

    assertThat(repository.markSent(request, 1, "1", NOW)).isTrue();

    assertThat(rows.following(request.messageId())).isEmpty();
  }
}

package org.schedmsg.sender.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.sender.core.testing.MessageRows;
import org.schedmsg.sender.core.testing.TestRequests;

/**
 * The real statements on PostgreSQL with the real migrations, run as the sender role (so the tests
 * also prove its grants suffice).
 */
class MessageStatusRepositoryIT {
  private static final Instant NOW = Instant.parse("2026-11-28T10:00:00.654321Z");

  private static MessageRows rows;
  private static MessageStatusRepository repository;

  @BeforeAll
  static void database() {
    TestDatabase db = TestInfrastructure.shared().newDatabase();
    rows = new MessageRows(db.dataSource());
    repository =
        new JdbcMessageStatusRepository(db.dataSource(db.senderUser(), db.senderPassword()));
  }

  private static DeliveryRequest pending() {
    return rows.insertPending(
        Platform.TELEGRAM, "4242", "take the blue pill", NOW.minusSeconds(5), 60, null);
  }

  @Test
  void shouldClaimOnceWhenSameReleaseIsClaimedTwice() {
    DeliveryRequest request = pending();

    assertThat(repository.claim(request, NOW)).isTrue();
    assertThat(repository.claim(request, NOW.plusSeconds(1))).isFalse();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("pending");
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(row.lastAttemptTime()).isEqualTo(NOW);
    assertThat(row.updatedAt()).isEqualTo(NOW);
  }

  @Test
  void shouldClaimEachMessageOnceWhenBatchHoldsDuplicateOrCancelledRow() {
    DeliveryRequest first = pending();
    DeliveryRequest cancelled = pending();
    DeliveryRequest third = pending();
    rows.setStatus(cancelled.messageId(), "cancelled");

    java.util.List<Boolean> claimed =
        repository.claimAll(java.util.List.of(first, cancelled, third, first), NOW);

    assertThat(claimed).containsExactly(true, false, true, false);
    assertThat(rows.read(first.messageId()).attempts()).isEqualTo(1);
    assertThat(rows.read(cancelled.messageId()).attempts()).isZero();
    assertThat(rows.read(third.messageId()).attempts()).isEqualTo(1);
  }

  @Test
  void shouldWriteEveryOutcomeWhenBatchApplied() {
    DeliveryRequest sent = pending();
    DeliveryRequest failed = pending();
    DeliveryRequest retry = pending();
    DeliveryRequest released = pending();
    DeliveryRequest stale = pending();
    repository.claimAll(java.util.List.of(sent, failed, retry, released), NOW);

    java.util.List<Boolean> changed =
        repository.applyAll(
            java.util.List.of(
                new StatusWrite(StatusWrite.Kind.SENT, sent, 1, "pm-1", NOW.plusMillis(7)),
                new StatusWrite(StatusWrite.Kind.FAILED, failed, 1, "chat_not_found", NOW),
                new StatusWrite(StatusWrite.Kind.RETRYABLE, retry, 1, "http_503", NOW),
                new StatusWrite(StatusWrite.Kind.RELEASE_CLAIM, released, 1, "rate_limited", NOW),
                new StatusWrite(StatusWrite.Kind.SENT, stale, 1, "pm-2", NOW.plusMillis(9))));

    assertThat(changed).containsExactly(true, true, true, true, false);
    assertThat(rows.read(sent.messageId()).status()).isEqualTo("sent");
    assertThat(rows.read(sent.messageId()).sentAt())
        .as("each outcome keeps its own time, not the batch's")
        .isEqualTo(NOW.plusMillis(7));
    assertThat(rows.read(failed.messageId()).status()).isEqualTo("failed");
    assertThat(rows.read(failed.messageId()).errorMessage()).isEqualTo("chat_not_found");
    assertThat(rows.read(retry.messageId()).status()).isEqualTo("pending");
    assertThat(rows.read(retry.messageId()).attempts()).isEqualTo(1);
    assertThat(rows.read(released.messageId()).attempts()).isZero();
    assertThat(rows.read(stale.messageId()).status()).isEqualTo("pending");
  }

  @Test
  void shouldClaimAgainWhenReleasedWithNewAttempts() {
    DeliveryRequest request = pending();
    repository.claim(request, NOW);

    assertThat(repository.claim(TestRequests.withAttempts(request, 1), NOW)).isTrue();

    assertThat(rows.read(request.messageId()).attempts()).isEqualTo(2);
  }

  @Test
  void shouldNotClaimWhenRowIsCancelled() {
    DeliveryRequest request = pending();
    rows.setStatus(request.messageId(), "cancelled");

    assertThat(repository.claim(request, NOW)).isFalse();

    assertThat(rows.read(request.messageId()).attempts()).isZero();
  }

  @Test
  void shouldNotClaimWhenRowIsRescheduled() {
    DeliveryRequest request = pending();
    rows.reschedule(request.messageId(), request.scheduledTime().plus(Duration.ofHours(2)));

    assertThat(repository.claim(request, NOW)).isFalse();

    assertThat(rows.read(request.messageId()).attempts()).isZero();
  }

  @Test
  void shouldSetSentAtAndPlatformMessageIdWhenMarkedSent() {
    DeliveryRequest request =
        rows.insertPending(
            Platform.TELEGRAM, "4242", "hello", NOW.minusSeconds(5), 60, "{\"campaign\":\"flu\"}");
    repository.claim(request, NOW);
    repository.markRetryable(request, 1, "timeout", NOW);
    Instant sentAt = NOW.plusMillis(250);

    assertThat(repository.markSent(request, 1, "5501", sentAt)).isTrue();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("sent");
    assertThat(row.sentAt()).isEqualTo(sentAt);
    assertThat(row.updatedAt()).isEqualTo(sentAt);
    assertThat(row.errorMessage()).isNull();
    assertThat(row.platformMessageId()).isEqualTo("5501");
    assertThat(row.metadata().get("campaign").asText()).isEqualTo("flu");
  }

  @Test
  void shouldNotMarkWhenClaimedAttemptsDiffer() {
    DeliveryRequest request = pending();
    repository.claim(request, NOW);

    assertThat(repository.markSent(request, 2, "1", NOW)).isFalse();
    assertThat(repository.markFailed(request, 0, "x", NOW)).isFalse();

    assertThat(rows.read(request.messageId()).status()).isEqualTo("pending");
  }

  @Test
  void shouldSetFailedAtAndCutReasonWhenMarkedFailed() {
    DeliveryRequest request = pending();
    repository.claim(request, NOW);

    assertThat(repository.markFailed(request, 1, "telegram:400:" + "x".repeat(300), NOW)).isTrue();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.failedAt()).isEqualTo(NOW);
    assertThat(row.errorMessage()).hasSize(200).startsWith("telegram:400:");
  }

  @Test
  void shouldStayPendingWithReasonWhenMarkedRetryable() {
    DeliveryRequest request = pending();
    repository.claim(request, NOW);

    assertThat(repository.markRetryable(request, 1, "telegram:429", NOW.plusSeconds(1))).isTrue();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("pending");
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(row.errorMessage()).isEqualTo("telegram:429");
    assertThat(row.updatedAt()).isEqualTo(NOW.plusSeconds(1));
  }

  @Test
  void shouldFailWithoutCountingAttemptWhenExpired() {
    DeliveryRequest request = pending();

    assertThat(repository.expire(request, NOW)).isTrue();
    assertThat(repository.claim(request, NOW)).isFalse();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.attempts()).isZero();
    assertThat(row.failedAt()).isEqualTo(NOW);
    assertThat(row.errorMessage()).isEqualTo("delivery_window_expired");
  }

  @Test
  void shouldNotExpireWhenRowWasClaimedMeanwhile() {
    DeliveryRequest request = pending();
    repository.claim(request, NOW);

    assertThat(repository.expire(request, NOW.plus(1, ChronoUnit.HOURS))).isFalse();

    assertThat(rows.read(request.messageId()).status()).isEqualTo("pending");
  }

  @Test
  void shouldRestoreAttemptsWhenClaimIsReleased() {
    DeliveryRequest request = pending();
    repository.claim(request, NOW);

    assertThat(repository.releaseClaim(request, 1, "telegram:429", NOW)).isTrue();
    assertThat(repository.releaseClaim(request, 1, "telegram:429", NOW)).isFalse();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("pending");
    assertThat(row.attempts()).isZero();
    assertThat(row.errorMessage()).isEqualTo("telegram:429");
    assertThat(repository.claim(request, NOW)).isTrue();
  }

  @Test
  void shouldFailRowWhenRejectionMatchesAttemptsAndScheduledTime() {
    DeliveryRequest request = pending();

    assertThat(repository.reject(rejection(request, 0), NOW)).isTrue();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.failedAt()).isEqualTo(NOW);
    assertThat(row.errorMessage()).isEqualTo("delivery_window_expired");
  }

  @Test
  void shouldChangeNothingWhenRejectionIsStale() {
    DeliveryRequest request = pending();
    repository.claim(request, NOW);

    assertThat(repository.reject(rejection(request, 0), NOW)).isFalse();

    assertThat(rows.read(request.messageId()).status()).isEqualTo("pending");
  }

  private static org.schedmsg.contracts.RejectedMessage rejection(
      DeliveryRequest request, int attempts) {
    return new org.schedmsg.contracts.RejectedMessage(
        org.schedmsg.contracts.RejectedMessage.SCHEMA_VERSION,
        request.messageId(),
        Platform.TELEGRAM,
        attempts,
        request.scheduledTime(),
        "delivery_window_expired",
        NOW);
  }
}

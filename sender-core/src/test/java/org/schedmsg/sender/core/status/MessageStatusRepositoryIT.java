package org.schedmsg.sender.core.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.sender.core.retry.Decision;
import org.schedmsg.sender.core.testing.MessageRows;
import org.schedmsg.sender.core.testing.TestRequests;

/**
 * The claim / send / record protocol on PostgreSQL with the real migrations, run as the sender role
 * (so the tests also prove its grants suffice). Claims are decided by the database's clock: rows
 * are due a few seconds before the test's {@link Instant#now()} and their window is an hour unless
 * a test is about the window. The clinical-safety cases of the sender-core README are named in the
 * tests' comments.
 */
class MessageStatusRepositoryIT {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final int HOUR = 3600;

  private static DataSource owner;
  private static MessageRows rows;
  private static MessageStatusRepository repository;
  private static ExecutorService executor;

  @BeforeAll
  static void database() {
    TestDatabase db = TestInfrastructure.shared().newDatabase();
    owner = db.dataSource();
    rows = new MessageRows(owner);
    repository =
        new JdbcMessageStatusRepository(
            db.dataSource(db.senderUser(), db.senderPassword()), Platform.TELEGRAM);
    executor = Executors.newCachedThreadPool();
  }

  @AfterAll
  static void stop() {
    executor.shutdownNow();
  }

  /** A pending row due five seconds ago by the database's clock, with an hour's window. */
  private static DeliveryRequest pending() {
    return rows.insertPending(
        Platform.TELEGRAM, "4242", "take the blue pill", Instant.now().minusSeconds(5), HOUR, null);
  }

  private static Claim.Claimed claimed(DeliveryRequest request) {
    Claim claim = repository.claim(request, LEASE);
    assertThat(claim).isInstanceOf(Claim.Claimed.class);
    return (Claim.Claimed) claim;
  }

  private static StatusWrite write(
      Decision.Kind kind, Claim.Claimed claimed, String text, Instant at) {
    return new StatusWrite(
        kind,
        claimed.current().messageId(),
        claimed.attemptId(),
        claimed.current().rowVersion(),
        claimed.attempt(),
        claimed.claimedAt(),
        text,
        at,
        false);
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  private static Claim refused(Claim.Refusal why) {
    return new Claim.Refused(why);
  }

  // ---- the claim ----

  @Test
  void shouldHoldAttemptInFlightWithoutChangingRowWhenClaimed() {
    DeliveryRequest request = pending();
    Instant before = rows.databaseNow();

    Claim.Claimed claimed = claimed(request);

    assertThat(claimed.attempt()).isEqualTo(1);
    assertThat(claimed.claimedAt()).isAfterOrEqualTo(before).isBefore(Instant.now().plusSeconds(5));
    assertThat(claimed.current().messageId()).isEqualTo(request.messageId());
    assertThat(claimed.current().rowVersion()).isEqualTo(1);
    assertThat(claimed.current().attempts()).isZero();
    assertThat(claimed.current().scheduledTime()).isEqualTo(request.scheduledTime());
    assertThat(claimed.current().deliveryDeadline()).isEqualTo(request.deliveryDeadline());
    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("pending");
    assertThat(row.attempts()).as("a claim does not count the attempt").isZero();
    assertThat(row.lastAttemptTime()).isNull();
    assertThat(row.updatedAt()).isNull();
    assertThat(rows.rowVersion(request.messageId())).as("a claim does not write the row").isOne();
    assertThat(rows.attempts(request.messageId()))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.attemptId()).isEqualTo(claimed.attemptId());
              assertThat(a.state()).isEqualTo("in_flight");
              assertThat(a.rowVersion()).isOne();
              assertThat(a.attempt()).isOne();
              assertThat(a.platform()).isEqualTo("telegram");
              assertThat(a.claimedAt()).isEqualTo(claimed.claimedAt());
              assertThat(a.leaseUntil()).isEqualTo(claimed.claimedAt().plus(LEASE));
              assertThat(a.finishedAt()).isNull();
            });
  }

  /** Case 5, never twice: a duplicate release (or a second sender) is refused while in flight. */
  @Test
  void shouldRefuseSecondClaimInFlightWhenOneReleaseIsClaimedTwice() {
    DeliveryRequest request = pending();
    claimed(request);

    assertThat(repository.claim(request, LEASE)).isEqualTo(refused(Claim.Refusal.IN_FLIGHT));

    assertThat(rows.attempts(request.messageId())).hasSize(1);
    assertThat(rows.read(request.messageId()).attempts()).isZero();
  }

  /**
   * Case 5, never twice, with two senders at the same moment: the second claim waits for the first
   * one's row lock and, once the first commits, is refused in flight (no error, no second attempt).
   * The first claim is the repository's own statements, held open on an owner connection.
   */
  @Test
  void shouldRefuseInFlightWhenSecondClaimWaitedForFirstClaimToCommit() throws Exception {
    DeliveryRequest request = pending();
    Future<Claim> second;
    try (Connection first = owner.getConnection()) {
      first.setAutoCommit(false);
      try (PreparedStatement lock =
          first.prepareStatement(JdbcMessageStatusRepository.LOCK_FOR_CLAIM)) {
        lock.setObject(1, request.messageId());
        try (ResultSet rs = lock.executeQuery()) {
          assertThat(rs.next()).isTrue();
        }
      }
      try (PreparedStatement insert =
          first.prepareStatement(JdbcMessageStatusRepository.INSERT_ATTEMPT)) {
        insert.setObject(1, request.messageId());
        insert.setLong(2, 1);
        insert.setInt(3, 1);
        insert.setString(4, "telegram");
        insert.setDouble(5, LEASE.toSeconds());
        insert.executeQuery().close();
      }
      second = executor.submit(() -> repository.claim(request, LEASE));
      await().atMost(Duration.ofSeconds(10)).until(() -> sendersWaitingForALock() == 1);
      first.commit();
    }

    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(refused(Claim.Refusal.IN_FLIGHT));
    assertThat(rows.attempts(request.messageId())).hasSize(1);
  }

  /** Case 5, never twice: concurrent claims of one release, exactly one of them wins. */
  @Test
  void shouldClaimOnceWhenManySendersClaimOneReleaseConcurrently() throws Exception {
    DeliveryRequest request = pending();
    int senders = 8;
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    List<Future<Claim>> claims = new java.util.ArrayList<>();
    for (int i = 0; i < senders; i++) {
      claims.add(
          executor.submit(
              () -> {
                start.await();
                return repository.claim(request, LEASE);
              }));
    }
    start.countDown();

    int won = 0;
    for (Future<Claim> claim : claims) {
      Claim result = claim.get(20, TimeUnit.SECONDS);
      if (result instanceof Claim.Claimed) {
        won++;
      } else {
        assertThat(result).isEqualTo(refused(Claim.Refusal.IN_FLIGHT));
      }
    }
    assertThat(won).isOne();
    assertThat(rows.attempts(request.messageId())).hasSize(1);
  }

  /**
   * Case 1, old recipient / old text: after an upstream edit the release of the old version is
   * stale, and what a claim hands to the send is the row's current recipient and text, whatever the
   * release carried.
   */
  @Test
  void shouldSendCurrentRecipientAndTextAndRefuseOldVersionWhenRowWasEdited() {
    DeliveryRequest old = pending();
    rows.edit(old.messageId(), "5151", "take the red pill");

    assertThat(repository.claim(old, LEASE)).isEqualTo(refused(Claim.Refusal.STALE));
    assertThat(rows.attempts(old.messageId())).isEmpty();

    // a release of the current version that still carries the old content (it cannot, but the
    // claim must not care): the send gets the row's values
    Claim.Claimed claimed = claimed(TestRequests.withRowVersion(old, 2));
    assertThat(claimed.current().recipientId()).isEqualTo("5151");
    assertThat(claimed.current().text()).isEqualTo("take the red pill");
    assertThat(claimed.current().rowVersion()).isEqualTo(2);

    assertThat(repository.record(write(Decision.Kind.SENT, claimed, "5501", now()))).isTrue();
    assertThat(repository.claim(old, LEASE)).isEqualTo(refused(Claim.Refusal.STALE));
  }

  /**
   * Case "sent after cancel": a cancel while the message is in flight fails with SM001 and changes
   * nothing; once the outcome is recorded the row says sent and the cancel changes no row, so
   * upstream sees what the patient received.
   */
  @Test
  void shouldRefuseCancelWithSm001WhileInFlightAndLetItChangeNothingOnceSent() throws Exception {
    DeliveryRequest request = pending();
    Claim.Claimed claimed = claimed(request);

    assertThatThrownBy(() -> rows.cancelIfPending(request.messageId()))
        .isInstanceOfSatisfying(
            SQLException.class,
            e ->
                assertThat(e.getSQLState()).isEqualTo(JdbcMessageStatusRepository.BEING_DELIVERED));
    assertThat(rows.read(request.messageId()).status()).isEqualTo("pending");
    assertThat(rows.rowVersion(request.messageId())).isOne();

    Instant sentAt = now();
    assertThat(repository.record(write(Decision.Kind.SENT, claimed, "5501", sentAt))).isTrue();
    assertThat(rows.read(request.messageId()).status()).isEqualTo("sent");

    assertThat(rows.cancelIfPending(request.messageId())).isZero();
    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("sent");
    assertThat(row.sentAt()).isEqualTo(sentAt);
    assertThat(row.platformMessageId()).isEqualTo("5501");
  }

  /** An edit or a delete while in flight fails the same way (SM001). */
  @Test
  void shouldRefuseEditAndDeleteWithSm001WhileInFlight() {
    DeliveryRequest request = pending();
    claimed(request);

    assertThatThrownBy(() -> rows.edit(request.messageId(), "5151", "another text"))
        .hasRootCauseInstanceOf(SQLException.class)
        .rootCause()
        .satisfies(
            e ->
                assertThat(((SQLException) e).getSQLState())
                    .isEqualTo(JdbcMessageStatusRepository.BEING_DELIVERED));
    assertThatThrownBy(() -> delete(request.messageId()))
        .isInstanceOfSatisfying(
            SQLException.class,
            e ->
                assertThat(e.getSQLState()).isEqualTo(JdbcMessageStatusRepository.BEING_DELIVERED));

    assertThat(rows.rowVersion(request.messageId())).isOne();
    assertThat(rows.read(request.messageId()).status()).isEqualTo("pending");
  }

  /**
   * Case 4: a stale release (old row version) whose old deadline has passed does not expire a row
   * that was rescheduled meanwhile, neither by a claim nor by the scheduler's rejection.
   */
  @Test
  void shouldNotExpireRescheduledRowWhenStaleReleaseIsPastItsOldDeadline() {
    DeliveryRequest old =
        rows.insertPending(
            Platform.TELEGRAM,
            "4242",
            "take the blue pill",
            Instant.now().minusSeconds(120),
            60,
            null);
    Instant later = Instant.now().plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MICROS);
    rows.reschedule(old.messageId(), later);

    assertThat(repository.claim(old, LEASE)).isEqualTo(refused(Claim.Refusal.STALE));
    assertThat(repository.reject(rejection(old, "delivery_window_expired"), now())).isFalse();

    MessageRows.Row row = rows.read(old.messageId());
    assertThat(row.status()).isEqualTo("pending");
    assertThat(row.failedAt()).isNull();
    assertThat(row.errorMessage()).isNull();
    assertThat(rows.scheduledTime(old.messageId())).isEqualTo(later);
    assertThat(rows.attempts(old.messageId())).isEmpty();
    // the release of the new version is not due yet
    assertThat(repository.claim(TestRequests.withRowVersion(old, 2), LEASE))
        .isInstanceOf(Claim.NotDue.class);
  }

  /** Case 10, scheduler clock ahead: a row not yet due by the database's clock is not claimed. */
  @Test
  void shouldNotClaimWhenScheduledTimeIsAheadOfDatabaseClock() {
    DeliveryRequest early =
        rows.insertPending(
            Platform.TELEGRAM,
            "4242",
            "take the blue pill",
            Instant.now().plusSeconds(30),
            HOUR,
            null);

    Claim claim = repository.claim(early, LEASE);

    assertThat(claim).isInstanceOf(Claim.NotDue.class);
    assertThat(((Claim.NotDue) claim).early())
        .isPositive()
        .isLessThanOrEqualTo(Duration.ofSeconds(31));
    assertThat(rows.attempts(early.messageId())).isEmpty();
    assertThat(rows.read(early.messageId()).status()).isEqualTo("pending");
    assertThat(rows.rowVersion(early.messageId())).isOne();
  }

  /** A row past its window by the database's clock is written failed, without an attempt. */
  @Test
  void shouldFailRowDeliveryWindowExpiredWhenClaimedPastItsWindow() {
    DeliveryRequest late =
        rows.insertPending(
            Platform.TELEGRAM,
            "4242",
            "take the blue pill",
            Instant.now().minusSeconds(120),
            60,
            null);
    Instant before = rows.databaseNow();

    assertThat(repository.claim(late, LEASE)).isEqualTo(refused(Claim.Refusal.EXPIRED));

    Instant after = rows.databaseNow();
    MessageRows.Row row = rows.read(late.messageId());
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.errorMessage()).isEqualTo("delivery_window_expired");
    assertThat(row.attempts()).isZero();
    assertThat(row.failedAt()).isBetween(before, after);
    assertThat(rows.attempts(late.messageId())).isEmpty();
    assertThat(repository.claim(late, LEASE)).isEqualTo(refused(Claim.Refusal.STALE));
  }

  @Test
  void shouldClaimLongOverdueRowWhenItHasNoWindow() {
    DeliveryRequest noWindow =
        rows.insertPending(
            Platform.TELEGRAM,
            "4242",
            "take the blue pill",
            Instant.now().minusSeconds(86_400),
            null,
            null);

    assertThat(claimed(noWindow).current().deliveryDeadline()).isNull();
  }

  @Test
  void shouldRefuseStaleWhenRowIsCancelledDeletedOrOfAnotherPlatform() throws SQLException {
    DeliveryRequest cancelled = pending();
    rows.setStatus(cancelled.messageId(), "cancelled");
    DeliveryRequest deleted = pending();
    delete(deleted.messageId());
    DeliveryRequest whatsapp =
        rows.insertPending(
            Platform.WHATSAPP,
            "4242",
            "take the blue pill",
            Instant.now().minusSeconds(5),
            HOUR,
            null);

    assertThat(repository.claim(TestRequests.withRowVersion(cancelled, 2), LEASE))
        .isEqualTo(refused(Claim.Refusal.STALE));
    assertThat(repository.claim(deleted, LEASE)).isEqualTo(refused(Claim.Refusal.STALE));
    assertThat(repository.claim(whatsapp, LEASE)).isEqualTo(refused(Claim.Refusal.STALE));

    assertThat(rows.attempts(cancelled.messageId())).isEmpty();
    assertThat(rows.attempts(whatsapp.messageId())).isEmpty();
    assertThat(rows.read(cancelled.messageId()).status()).isEqualTo("cancelled");
  }

  @Test
  void shouldNeverClaimReleaseWithoutRowVersion() {
    DeliveryRequest request = pending();

    assertThat(repository.claim(TestRequests.withRowVersion(request, 0), LEASE))
        .isEqualTo(refused(Claim.Refusal.UNVERSIONED));

    assertThat(rows.attempts(request.messageId())).isEmpty();
  }

  // ---- the outcome ----

  /**
   * Case 5: a give-back (rate limit, a send that never started) leaves the row as it was, attempts
   * and row version included, so the same release can be claimed again.
   */
  @Test
  void shouldLeaveAttemptsAndRowVersionWhenGivenBackAndClaimSameReleaseAgain() {
    DeliveryRequest request = pending();
    Claim.Claimed first = claimed(request);
    Instant at = now();

    assertThat(repository.record(write(Decision.Kind.GIVE_BACK, first, "telegram:429", at)))
        .isTrue();
    assertThat(repository.record(write(Decision.Kind.GIVE_BACK, first, "telegram:429", at)))
        .as("an attempt is closed once")
        .isFalse();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("pending");
    assertThat(row.attempts()).isZero();
    assertThat(row.errorMessage()).isNull();
    assertThat(row.updatedAt()).isNull();
    assertThat(row.lastAttemptTime()).isNull();
    assertThat(rows.rowVersion(request.messageId())).isOne();
    assertThat(rows.attempts(request.messageId()))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.state()).isEqualTo("given_back");
              assertThat(a.finishedAt()).isEqualTo(at);
              assertThat(a.errorMessage()).isEqualTo("telegram:429");
            });

    Claim.Claimed again = claimed(request);
    assertThat(again.attempt()).isOne();
    assertThat(again.attemptId()).isNotEqualTo(first.attemptId());
  }

  @Test
  void shouldSetSentAtPlatformMessageIdAndCountAttemptWhenRecordedSent() {
    DeliveryRequest request =
        rows.insertPending(
            Platform.TELEGRAM,
            "4242",
            "hello",
            Instant.now().minusSeconds(5),
            HOUR,
            "{\"campaign\":\"flu\"}");
    Claim.Claimed first = claimed(request);
    assertThat(repository.record(write(Decision.Kind.RETRYABLE, first, "timeout", now()))).isTrue();
    Claim.Claimed second = claimed(TestRequests.withAttempts(request, 1));
    assertThat(second.attempt()).isEqualTo(2);
    Instant sentAt = now();

    assertThat(repository.record(write(Decision.Kind.SENT, second, "5501", sentAt))).isTrue();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("sent");
    assertThat(row.sentAt()).isEqualTo(sentAt);
    assertThat(row.updatedAt()).isEqualTo(sentAt);
    assertThat(row.attempts()).isEqualTo(2);
    assertThat(row.lastAttemptTime()).isEqualTo(second.claimedAt());
    assertThat(row.errorMessage()).isNull();
    assertThat(row.platformMessageId()).isEqualTo("5501");
    assertThat(row.metadata().get("campaign").asText()).isEqualTo("flu");
    assertThat(rows.rowVersion(request.messageId())).isEqualTo(3);
    assertThat(rows.attempts(request.messageId()))
        .extracting(MessageRows.Attempt::state, MessageRows.Attempt::errorMessage)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("retry", "timeout"),
            org.assertj.core.groups.Tuple.tuple("sent", null));
  }

  @Test
  void shouldSetFailedAtAndCutReasonWhenRecordedFailed() {
    DeliveryRequest request = pending();
    Claim.Claimed claimed = claimed(request);
    Instant at = now();

    assertThat(
            repository.record(
                write(Decision.Kind.FAILED, claimed, "telegram:400:" + "x".repeat(300), at)))
        .isTrue();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.failedAt()).isEqualTo(at);
    assertThat(row.attempts()).isOne();
    assertThat(row.lastAttemptTime()).isEqualTo(claimed.claimedAt());
    assertThat(row.errorMessage()).hasSize(200).startsWith("telegram:400:");
    assertThat(rows.attempts(request.messageId()).get(0).state()).isEqualTo("failed");
  }

  @Test
  void shouldStayPendingWithReasonAndCountAttemptWhenRecordedRetryable() {
    DeliveryRequest request = pending();
    Claim.Claimed claimed = claimed(request);
    Instant at = now();

    assertThat(repository.record(write(Decision.Kind.RETRYABLE, claimed, "telegram:429", at)))
        .isTrue();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("pending");
    assertThat(row.attempts()).isOne();
    assertThat(row.lastAttemptTime()).isEqualTo(claimed.claimedAt());
    assertThat(row.errorMessage()).isEqualTo("telegram:429");
    assertThat(row.updatedAt()).isEqualTo(at);
    assertThat(rows.rowVersion(request.messageId())).isEqualTo(2);
    // the old release is stale; the scheduler's next release (new attempts, new version) is not
    assertThat(repository.claim(request, LEASE)).isEqualTo(refused(Claim.Refusal.STALE));
    assertThat(claimed(TestRequests.withAttempts(request, 1)).attempt()).isEqualTo(2);
  }

  @Test
  void shouldChangeNothingWhenWriteCarriesAnotherRowVersionOrAttemptIsClosed() {
    DeliveryRequest request = pending();
    Claim.Claimed claimed = claimed(request);
    StatusWrite right = write(Decision.Kind.SENT, claimed, "1", now());
    StatusWrite wrongVersion =
        new StatusWrite(
            Decision.Kind.SENT,
            right.messageId(),
            right.attemptId(),
            right.rowVersion() + 1,
            right.attempt(),
            right.claimedAt(),
            right.text(),
            right.at(),
            false);

    assertThat(repository.record(wrongVersion)).isFalse();
    assertThat(repository.record(right)).as("the attempt is closed").isFalse();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("pending");
    assertThat(row.attempts()).isZero();
    assertThat(rows.rowVersion(request.messageId())).isOne();
  }

  /**
   * A sender died mid-send: its attempt's lease ran out without an outcome. The next claim hands it
   * back as abandoned; recording it (an unknown outcome, retryable) counts the attempt, closes it
   * abandoned, and the release being processed is stale afterwards. The late sender cannot record
   * over it.
   */
  @Test
  void shouldReturnAbandonedAndCountAttemptWhenEarlierAttemptsLeaseExpired() {
    DeliveryRequest request = pending();
    Claim.Claimed dead = claimed(request);
    rows.expireLease(dead.attemptId());

    Claim claim = repository.claim(request, LEASE);

    assertThat(claim).isInstanceOf(Claim.Abandoned.class);
    Claim.Claimed lost = ((Claim.Abandoned) claim).lost();
    assertThat(lost.attemptId()).isEqualTo(dead.attemptId());
    assertThat(lost.attempt()).isOne();
    assertThat(lost.claimedAt()).isEqualTo(dead.claimedAt());
    assertThat(lost.current().rowVersion()).isOne();
    assertThat(rows.attempts(request.messageId())).hasSize(1);

    Instant at = now();
    StatusWrite settle =
        new StatusWrite(
            Decision.Kind.RETRYABLE,
            request.messageId(),
            lost.attemptId(),
            lost.current().rowVersion(),
            lost.attempt(),
            lost.claimedAt(),
            "claim_lease_expired",
            at,
            true);
    assertThat(repository.record(settle)).isTrue();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("pending");
    assertThat(row.attempts()).isOne();
    assertThat(row.lastAttemptTime()).isEqualTo(dead.claimedAt());
    assertThat(row.errorMessage()).isEqualTo("claim_lease_expired");
    assertThat(rows.rowVersion(request.messageId())).isEqualTo(2);
    assertThat(rows.attempts(request.messageId()))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.state()).isEqualTo("abandoned");
              assertThat(a.finishedAt()).isEqualTo(at);
            });
    assertThat(repository.record(write(Decision.Kind.SENT, dead, "5501", now())))
        .as("the sender that lost its lease comes back too late")
        .isFalse();
    assertThat(rows.read(request.messageId()).status()).isEqualTo("pending");
    assertThat(repository.claim(request, LEASE)).isEqualTo(refused(Claim.Refusal.STALE));
    assertThat(claimed(TestRequests.withAttempts(request, 1)).attempt()).isEqualTo(2);
  }

  /** After a lease ran out upstream may change the row; the lost attempt is still closed. */
  @Test
  void shouldCloseAbandonedAttemptAndKeepCancelWhenRowWasCancelledAfterLeaseExpired()
      throws SQLException {
    DeliveryRequest request = pending();
    Claim.Claimed dead = claimed(request);
    rows.expireLease(dead.attemptId());

    assertThat(rows.cancelIfPending(request.messageId())).isOne();
    Claim claim = repository.claim(request, LEASE);
    assertThat(claim).isInstanceOf(Claim.Abandoned.class);
    Claim.Claimed lost = ((Claim.Abandoned) claim).lost();
    StatusWrite settle =
        new StatusWrite(
            Decision.Kind.RETRYABLE,
            request.messageId(),
            lost.attemptId(),
            lost.current().rowVersion(),
            lost.attempt(),
            lost.claimedAt(),
            "claim_lease_expired",
            now(),
            true);

    assertThat(repository.record(settle)).as("the row moved on").isFalse();

    assertThat(rows.read(request.messageId()).status()).isEqualTo("cancelled");
    assertThat(rows.read(request.messageId()).attempts()).isZero();
    assertThat(rows.attempts(request.messageId()).get(0).state()).isEqualTo("abandoned");
    assertThat(repository.claim(request, LEASE)).isEqualTo(refused(Claim.Refusal.STALE));
  }

  // ---- rejections, unusable rows, the pre-check ----

  @Test
  void shouldFailRowWhenRejectionMatchesRowVersion() {
    DeliveryRequest request = pending();
    Instant at = now();

    assertThat(repository.reject(rejection(request, "delivery_window_expired"), at)).isTrue();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.failedAt()).isEqualTo(at);
    assertThat(row.attempts()).isZero();
    assertThat(row.errorMessage()).isEqualTo("delivery_window_expired");
  }

  @Test
  void shouldChangeNothingWhenRejectionIsStale() {
    DeliveryRequest request = pending();
    Claim.Claimed claimed = claimed(request);
    repository.record(write(Decision.Kind.RETRYABLE, claimed, "http_503", now()));

    assertThat(repository.reject(rejection(request, "delivery_window_expired"), now())).isFalse();

    assertThat(rows.read(request.messageId()).status()).isEqualTo("pending");
  }

  /** A rejection cannot fail a message being delivered (SM001): the attempt's outcome decides. */
  @Test
  void shouldIgnoreRejectionWhileAttemptIsInFlight() {
    DeliveryRequest request = pending();
    Claim.Claimed claimed = claimed(request);

    assertThat(repository.reject(rejection(request, "max_attempts_exceeded"), now())).isFalse();

    assertThat(rows.read(request.messageId()).status()).isEqualTo("pending");
    assertThat(repository.record(write(Decision.Kind.SENT, claimed, "5501", now()))).isTrue();
    assertThat(rows.read(request.messageId()).status()).isEqualTo("sent");
  }

  @Test
  void shouldFailUnusableRowOnlyAtReleasesRowVersion() {
    DeliveryRequest request = pending();
    DeliveryRequest edited = pending();
    rows.edit(edited.messageId(), "5151", "edited");
    Instant at = now();

    assertThat(repository.failUnusable(request, "sender_sql_error:22P02", at)).isTrue();
    assertThat(repository.failUnusable(edited, "sender_sql_error:22P02", at)).isFalse();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.failedAt()).isEqualTo(at);
    assertThat(row.errorMessage()).isEqualTo("sender_sql_error:22P02");
    assertThat(rows.read(edited.messageId()).status()).isEqualTo("pending");
  }

  @Test
  void shouldListOnlyPendingRowsAtReleasesVersionWhenCheckingStillCurrent() {
    DeliveryRequest current = pending();
    DeliveryRequest edited = pending();
    rows.edit(edited.messageId(), "5151", "edited");
    DeliveryRequest cancelled = pending();
    rows.setStatus(cancelled.messageId(), "cancelled");
    DeliveryRequest inFlight = pending();
    claimed(inFlight);
    DeliveryRequest unknown =
        TestRequests.withId(current, UUID.randomUUID(), current.scheduledTime());

    Set<UUID> still =
        repository.stillCurrent(List.of(current, edited, cancelled, inFlight, unknown));

    assertThat(still).containsExactlyInAnyOrder(current.messageId(), inFlight.messageId());
    assertThat(repository.stillCurrent(List.of())).isEmpty();
  }

  // ---- helpers ----

  private static RejectedMessage rejection(DeliveryRequest request, String reason) {
    return new RejectedMessage(
        RejectedMessage.SCHEMA_VERSION,
        request.messageId(),
        Platform.TELEGRAM,
        request.attempts(),
        request.scheduledTime(),
        reason,
        Instant.now(),
        request.rowVersion());
  }

  /** Connections of the sender role of this database that wait for a lock. */
  private static int sendersWaitingForALock() throws SQLException {
    try (Connection c = owner.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND usename = 'schedmsg_sender' AND wait_event_type = 'Lock'");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void delete(UUID id) throws SQLException {
    try (Connection c = owner.getConnection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM scheduled_messages WHERE id = ?")) {
      ps.setObject(1, id);
      ps.executeUpdate();
    }
  }
}

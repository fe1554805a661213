package org.schedmsg.scheduler.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.scheduler.MessageRow;
import org.schedmsg.scheduler.store.PendingMessage;

class DueTimePolicyTest {
  static final Instant T = Instant.parse("2026-11-28T08:00:00Z");
  static final Duration LEASE = Duration.ofSeconds(30);
  static final Duration BASE = Duration.ofSeconds(30);
  static final Duration MAX = Duration.ofMinutes(15);

  private final DueTimePolicy policy = new DueTimePolicy(LEASE, BASE, MAX);

  @Test
  void shouldBeDueAtScheduledTimeWhenFirstAttempt() {
    ScheduledMessage row = MessageRow.pendingAt(T).build();

    assertThat(policy.dueAt(row)).isEqualTo(T);
    assertThat(policy.schedule(row, null)).isEqualTo(PendingMessage.scheduled(row, T));
  }

  @Test
  void shouldBeDueAtLastAttemptPlusBackoffWhenRetry() {
    Instant lastAttempt = T.plusSeconds(40);
    ScheduledMessage row = MessageRow.pendingAt(T).attempts(3, lastAttempt).build();

    Duration backoff = policy.backoff(row.id(), 3);

    assertThat(policy.dueAt(row)).isEqualTo(lastAttempt.plus(backoff));
    assertThat(backoff).isBetween(Duration.ofSeconds(120), Duration.ofSeconds(132));
  }

  @Test
  void shouldCountFromScheduledTimeWhenRetryHasNoLastAttemptTime() {
    ScheduledMessage row = MessageRow.pendingAt(T).attempts(1, null).build();

    assertThat(policy.dueAt(row)).isEqualTo(T.plus(policy.backoff(row.id(), 1)));
  }

  @Test
  void shouldDoubleBackoffUpToMaxWhenAttemptsGrow() {
    UUID id = UUID.randomUUID();

    assertThat(policy.backoff(id, 1)).isBetween(BASE, BASE.multipliedBy(11).dividedBy(10));
    assertThat(policy.backoff(id, 2))
        .isBetween(BASE.multipliedBy(2), BASE.multipliedBy(22).dividedBy(10));
    assertThat(policy.backoff(id, 6)).isBetween(MAX, MAX.multipliedBy(11).dividedBy(10));
    assertThat(policy.backoff(id, Integer.MAX_VALUE))
        .isBetween(MAX, MAX.multipliedBy(11).dividedBy(10));
  }

  @Test
  void shouldGiveSameBackoffWhenSameMessageAndAttempts() {
    UUID id = UUID.fromString("8a6e0804-2bd0-4672-b79d-d97027f9071a");
    Set<Duration> jittered = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      jittered.add(policy.backoff(UUID.randomUUID(), 4));
    }

    assertThat(policy.backoff(id, 4)).isEqualTo(new DueTimePolicy(LEASE, BASE, MAX).backoff(id, 4));
    assertThat(jittered).as("jitter spreads different messages").hasSizeGreaterThan(10);
  }

  @Test
  void shouldNeverBackOffLessThanLeaseWhenBaseIsShorter() {
    DueTimePolicy shortBase = new DueTimePolicy(LEASE, Duration.ofSeconds(1), MAX);

    assertThat(shortBase.backoff(UUID.randomUUID(), 1)).isEqualTo(LEASE);
  }

  @Test
  void shouldNeverBeDueBeforeScheduledTimeWhenRescheduledAfterFailedAttempt() {
    // failed once at 10:00, then moved by upstream to 18:00: not due at 10:00 + backoff
    Instant failedAt = Instant.parse("2026-11-28T10:00:00Z");
    Instant movedTo = Instant.parse("2026-11-28T18:00:00Z");
    ScheduledMessage moved = MessageRow.pendingAt(movedTo).attempts(1, failedAt).build();

    assertThat(failedAt.plus(policy.backoff(moved.id(), 1))).isBefore(movedTo);
    assertThat(policy.dueAt(moved)).isEqualTo(movedTo);
    assertThat(policy.schedule(moved, null)).isEqualTo(PendingMessage.scheduled(moved, movedTo));
  }

  @Test
  void shouldBeDueAtRetryWhenRetryIsAfterScheduledTime() {
    Instant failedAt = T.plusSeconds(10);
    ScheduledMessage row = MessageRow.pendingAt(T).attempts(1, failedAt).build();

    assertThat(policy.dueAt(row)).isEqualTo(failedAt.plus(policy.backoff(row.id(), 1)));
  }

  @Test
  void shouldKeepLeaseDueTimeWhenSameRowVersionIsReadAgainAfterRelease() {
    ScheduledMessage row = MessageRow.pendingAt(T).rowVersion(4).build();
    PendingMessage released =
        policy.schedule(row, null).releasedAt(T, policy.nextDueAfterRelease(T));

    ScheduledMessage reRead = MessageRow.pendingAt(T).id(row.id()).rowVersion(4).build();
    PendingMessage next = policy.schedule(reRead, released);

    assertThat(next.dueAt()).isEqualTo(T.plus(LEASE));
    assertThat(next.releasedAt()).isEqualTo(T);
    assertThat(next.releasedVersion()).isEqualTo(4);
    assertThat(next.message()).isEqualTo(reRead);
  }

  @Test
  void shouldRescheduleAtDueTimeWhenRowVersionChangesAfterRelease() {
    ScheduledMessage row = MessageRow.pendingAt(T).build();
    PendingMessage released =
        policy.schedule(row, null).releasedAt(T, policy.nextDueAfterRelease(T));

    // an upstream edit of recipient and content only: a new row_version, nothing else changes
    ScheduledMessage edited =
        MessageRow.from(row).recipient("987654321").content("Take 5mg instead").build();
    PendingMessage next = policy.schedule(edited, released);

    assertThat(edited.rowVersion()).isEqualTo(row.rowVersion() + 1);
    assertThat(next).isEqualTo(PendingMessage.scheduled(edited, T));
    assertThat(next.releasedVersion()).isNull();
  }

  /**
   * A change older than the one the entry holds (CDC read again from an earlier offset) is ignored:
   * rescheduled by it, the entry would be released at the old time with a version no sender can
   * claim, again and again, and the row's real due time would be lost until its next change.
   */
  @Test
  void shouldIgnoreOlderRowVersionWhenReadAgainAfterNewerOne() {
    ScheduledMessage older = MessageRow.pendingAt(T).rowVersion(3).build();
    ScheduledMessage newer =
        MessageRow.pendingAt(T.plus(Duration.ofDays(1))).id(older.id()).rowVersion(5).build();
    PendingMessage current = policy.schedule(newer, policy.schedule(older, null));

    PendingMessage next = policy.schedule(older, current);

    assertThat(next).isEqualTo(current);
    assertThat(next.dueAt()).isEqualTo(T.plus(Duration.ofDays(1)));
  }

  @Test
  void shouldRescheduleWhenRowVersionIsUnknownAfterRelease() {
    MessageRow row = MessageRow.pendingAt(T).rowVersion(ScheduledMessage.UNKNOWN_VERSION);
    PendingMessage released =
        policy.schedule(row.build(), null).releasedAt(T, policy.nextDueAfterRelease(T));

    ScheduledMessage again = row.build();

    assertThat(policy.schedule(again, released)).isEqualTo(PendingMessage.scheduled(again, T));
  }

  @Test
  void shouldRescheduleWhenScheduledTimeOrPriorityChangesAfterRelease() {
    MessageRow row = MessageRow.pendingAt(T);
    PendingMessage released =
        policy.schedule(row.build(), null).releasedAt(T, policy.nextDueAfterRelease(T));

    ScheduledMessage moved = MessageRow.from(row.build()).scheduledAt(T.plusSeconds(5)).build();
    ScheduledMessage reprioritised = MessageRow.from(row.build()).priority(1).build();

    assertThat(policy.schedule(moved, released))
        .isEqualTo(PendingMessage.scheduled(moved, T.plusSeconds(5)));
    assertThat(policy.schedule(reprioritised, released))
        .isEqualTo(PendingMessage.scheduled(reprioritised, T));
  }

  @Test
  void shouldScheduleRetryWhenFailedAttemptIsRecordedAfterRelease() {
    ScheduledMessage row = MessageRow.pendingAt(T).build();
    PendingMessage released =
        policy.schedule(row, null).releasedAt(T, policy.nextDueAfterRelease(T));
    Instant failedAt = T.plusMillis(50);

    // the sender's outcome write: attempts + 1, last_attempt_time, still pending (new version)
    ScheduledMessage failed = MessageRow.from(row).attempts(1, failedAt).build();
    PendingMessage next = policy.schedule(failed, released);

    assertThat(next.dueAt()).isEqualTo(failedAt.plus(policy.backoff(failed.id(), 1)));
    assertThat(next.dueAt()).isAfterOrEqualTo(failedAt.plus(LEASE));
    assertThat(next.releasedVersion()).isNull();
  }

  @Test
  void shouldBeDueAgainAfterLeaseWhenReleased() {
    assertThat(policy.nextDueAfterRelease(T)).isEqualTo(T.plus(LEASE));
  }
}

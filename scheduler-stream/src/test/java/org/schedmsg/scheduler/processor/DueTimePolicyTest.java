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
  void shouldKeepLeaseDueTimeWhenUnchangedAfterRelease() {
    MessageRow row = MessageRow.pendingAt(T);
    PendingMessage released =
        policy.schedule(row.build(), null).releasedAt(T, policy.nextDueAfterRelease(T));

    ScheduledMessage touched = row.updatedAt(T.plusSeconds(1)).build();
    PendingMessage next = policy.schedule(touched, released);

    assertThat(next.dueAt()).isEqualTo(T.plus(LEASE));
    assertThat(next.releasedAt()).isEqualTo(T);
    assertThat(next.message()).isEqualTo(touched);
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
  void shouldScheduleRetryWhenAttemptsChangeAfterRelease() {
    MessageRow row = MessageRow.pendingAt(T);
    PendingMessage released =
        policy.schedule(row.build(), null).releasedAt(T, policy.nextDueAfterRelease(T));
    Instant claimedAt = T.plusMillis(50);

    ScheduledMessage claimed = row.attempts(1, claimedAt).build();
    PendingMessage next = policy.schedule(claimed, released);

    assertThat(next.dueAt()).isEqualTo(claimedAt.plus(policy.backoff(claimed.id(), 1)));
    assertThat(next.dueAt()).isAfterOrEqualTo(claimedAt.plus(LEASE));
    assertThat(next.releasedAttempts()).isNull();
  }

  @Test
  void shouldBeDueAgainAfterLeaseWhenReleased() {
    assertThat(policy.nextDueAfterRelease(T)).isEqualTo(T.plus(LEASE));
  }
}

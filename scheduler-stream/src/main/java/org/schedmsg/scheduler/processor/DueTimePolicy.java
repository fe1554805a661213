package org.schedmsg.scheduler.processor;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.scheduler.store.PendingEntry;
import org.schedmsg.scheduler.store.PendingMessage;

/**
 * The one place for the rules that decide when a pending message is released (see the module
 * README, which names a test for each rule):
 *
 * <ol>
 *   <li><b>first attempt</b> ({@code attempts == 0}): due at {@code scheduled_time};
 *   <li><b>retry</b> ({@code attempts > 0}): due at {@code last_attempt_time} (or {@code
 *       scheduled_time} when null) + {@link #backoff(UUID, int)}, but never before {@code
 *       scheduled_time} (a row moved later after a failed attempt waits for its new time);
 *   <li><b>same version after release</b>: an update carrying the {@code row_version} of the entry
 *       already released (the same row read again: snapshot, replay) keeps its release bookkeeping
 *       and lease-based due time; any other {@code row_version} (an upstream edit, the sender's
 *       outcome) reschedules by rules 1 and 2;
 *   <li><b>older version</b>: a change with a lower {@code row_version} than the entry holds (CDC
 *       read again from an earlier offset) is ignored;
 *   <li><b>lease</b>: a released message is due again at release + lease ({@link
 *       #nextDueAfterRelease(Instant)}), so a release that makes no progress is retried.
 * </ol>
 *
 * <p>Pure and deterministic: the same row always gets the same due time, so reprocessing an event
 * (after a restart, or a replay) schedules it identically.
 */
public final class DueTimePolicy {
  /** The jitter adds up to this fraction of the capped backoff. */
  static final double JITTER_FRACTION = 0.10;

  private final Duration lease;
  private final Duration backoffBase;
  private final Duration backoffMax;

  public DueTimePolicy(Duration lease, Duration backoffBase, Duration backoffMax) {
    this.lease = Objects.requireNonNull(lease, "lease");
    this.backoffBase = Objects.requireNonNull(backoffBase, "backoffBase");
    this.backoffMax = Objects.requireNonNull(backoffMax, "backoffMax");
  }

  public static DueTimePolicy from(SchedulerConfig config) {
    return new DueTimePolicy(config.lease(), config.retryBackoffBase(), config.retryBackoffMax());
  }

  /**
   * The store entry for {@code row}, given the entry it replaces ({@code previous}, or null): see
   * {@link #scheduleReplacing}; when that ignores {@code row}, {@code previous} itself.
   */
  public PendingMessage schedule(ScheduledMessage row, PendingMessage previous) {
    return scheduleReplacing(row, previous == null ? null : previous.entry()).orElse(previous);
  }

  /**
   * The store entry for {@code row}, given the entry of the message it replaces ({@code previous},
   * or null): empty when rule 3b ignores {@code row} (the stored entry stays as it is); rule 3
   * keeps the previous release bookkeeping and due time when {@code row} is the version already
   * released; otherwise rules 1 and 2 decide.
   */
  public Optional<PendingMessage> scheduleReplacing(ScheduledMessage row, PendingEntry previous) {
    if (previous != null && isOlder(row, previous)) {
      return Optional.empty();
    }
    if (previous != null && previous.wasReleasedAtVersion(row.rowVersion())) {
      return Optional.of(previous.withMessage(row));
    }
    return Optional.of(PendingMessage.scheduled(row, dueAt(row)));
  }

  /**
   * Rules 1 and 2: when {@code row} is due, ignoring any earlier release; never before its {@code
   * scheduled_time}.
   */
  public Instant dueAt(ScheduledMessage row) {
    Instant scheduled = row.scheduledTime();
    if (row.attempts() <= 0) {
      return scheduled;
    }
    Instant last = row.lastAttemptTime() == null ? scheduled : row.lastAttemptTime();
    Instant retry = last.plus(backoff(row.id(), row.attempts()));
    return retry.isBefore(scheduled) ? scheduled : retry;
  }

  /**
   * Rule 3b: a change older than the one held (both versions known) is a re-read from an earlier
   * CDC offset and is ignored.
   */
  private static boolean isOlder(ScheduledMessage row, PendingEntry held) {
    return row.rowVersion() != ScheduledMessage.UNKNOWN_VERSION
        && held.rowVersion() != ScheduledMessage.UNKNOWN_VERSION
        && row.rowVersion() < held.rowVersion();
  }

  /** Rule 4: when a message released at {@code releasedAt} is due again if nothing happens. */
  public Instant nextDueAfterRelease(Instant releasedAt) {
    return releasedAt.plus(lease);
  }

  /**
   * The wait before retry number {@code attempts}: {@code min(base * 2^(attempts-1), max)} plus a
   * jitter of up to 10% of that, derived from the message id and attempts, and never shorter than
   * the lease (so an attempt still running is not raced by its own retry).
   */
  public Duration backoff(UUID messageId, int attempts) {
    long capped = cappedExponentialMillis(Math.max(1, attempts));
    long jitter = jitterMillis(messageId, attempts, capped);
    return Duration.ofMillis(Math.max(lease.toMillis(), capped + jitter));
  }

  private long cappedExponentialMillis(int attempts) {
    long base = backoffBase.toMillis();
    long max = backoffMax.toMillis();
    int doublings = attempts - 1;
    if (doublings >= Long.SIZE - 2 || base > (max >> doublings)) {
      return max;
    }
    return Math.min(base << doublings, max);
  }

  /** A value in [0, 10% of {@code backoffMillis}], the same for the same id and attempts. */
  static long jitterMillis(UUID messageId, int attempts, long backoffMillis) {
    long bound = (long) (backoffMillis * JITTER_FRACTION);
    if (bound <= 0) {
      return 0;
    }
    long seed =
        messageId.getMostSignificantBits()
            ^ Long.rotateLeft(messageId.getLeastSignificantBits(), 17);
    return Math.floorMod(mix(seed + attempts * 0x9E3779B97F4A7C15L), bound + 1);
  }

  /** The SplitMix64 finaliser: spreads every input bit over the result. */
  private static long mix(long value) {
    long z = value;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

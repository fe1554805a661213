package org.schedmsg.scheduler.processor;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.schedmsg.contracts.Platform;

/**
 * The back-pressure rule: a platform gets no further release while its senders have as many
 * released messages outstanding as their {@link #bound bound}: {@code maxTime} worth of sends at
 * the senders' measured drain rate, at least {@link #MIN_BOUND} and at most {@code maxUnsent}.
 * Outstanding = the latest measured lag of the senders' group plus what this task released since
 * that measurement (the measurement cannot see those yet). While nothing is measured (no monitor,
 * or the broker cannot be asked), releases are not held back: the token bucket alone limits them,
 * as without this rule.
 *
 * <p>Why a time bound: the delivery topic is FIFO, so an urgent message released now is sent after
 * everything already outstanding. A count alone (1,000) meant about 4.5 s of bulk ahead of an
 * urgent message at 218 sends/s; {@code maxTime} keeps that wait near {@code maxTime} whatever the
 * senders' speed. The bound follows the rate up by up to {@code maxTime} / (release-to-commit time
 * of the senders, about 0.5 s here) per measurement, so a starting or recovering sender is not held
 * at the floor.
 *
 * <p>The estimate can run over by what was released but not yet produced when a measurement was
 * taken (at most one measurement interval's releases), and each scheduler instance counts only its
 * own releases; it is a bound on how deep the FIFO delivery topic gets, not an exact count.
 */
final class UnsentLimit {
  /**
   * The bound never goes below one sender batch ({@code SENDER_BATCH_SIZE}'s default), so that idle
   * or starting senders get a full batch at once.
   */
  static final int MIN_BOUND = 100;

  private final int maxUnsent;
  private final Duration maxTime;
  private final SenderBacklog backlog;
  private final int shares;
  private final Map<Platform, Long> seenSequence = new EnumMap<>(Platform.class);
  private final Map<Platform, Long> releasedSince = new EnumMap<>(Platform.class);

  /**
   * @param maxUnsent 0 for no limit
   * @param maxTime zero for a bound of {@code maxUnsent} alone
   */
  UnsentLimit(int maxUnsent, Duration maxTime, SenderBacklog backlog) {
    this(maxUnsent, maxTime, backlog, 1);
  }

  /**
   * @param shares how many tasks release into the same delivery topics (the CDC topic's
   *     partitions): each counts only its own releases since a measurement and assumes the others
   *     released as many ({@link TaskShare})
   */
  UnsentLimit(int maxUnsent, Duration maxTime, SenderBacklog backlog, int shares) {
    if (shares < 1) {
      throw new IllegalArgumentException("a bound is shared by at least one task");
    }
    this.maxUnsent = maxUnsent;
    this.maxTime = maxTime;
    this.backlog = backlog;
    this.shares = shares;
  }

  /** True when one more message of {@code platform} may be released now. */
  boolean allows(Platform platform) {
    if (maxUnsent == 0) {
      return true;
    }
    SenderBacklog.Measurement measured = backlog.latest(platform);
    if (measured == null) {
      return true;
    }
    Long seen = seenSequence.get(platform);
    if (seen == null || seen != measured.sequence()) {
      seenSequence.put(platform, measured.sequence());
      releasedSince.put(platform, 0L);
    }
    return measured.unsent() + shares * releasedSince.getOrDefault(platform, 0L) < bound(measured);
  }

  /** How many outstanding messages {@code measured} allows: see the class comment. */
  long bound(SenderBacklog.Measurement measured) {
    double rate = measured.donePerSecond();
    if (maxTime.isZero() || Double.isNaN(rate)) {
      return maxUnsent;
    }
    long byTime = (long) Math.ceil(rate * maxTime.toNanos() / 1e9);
    return Math.min(maxUnsent, Math.max(Math.min(MIN_BOUND, maxUnsent), byTime));
  }

  /** Counts a release of {@code platform} made after the latest measurement. */
  void released(Platform platform) {
    releasedSince.merge(platform, 1L, Long::sum);
  }
}

package org.schedmsg.scheduler.processor;

import java.util.EnumMap;
import java.util.Map;
import org.schedmsg.contracts.Platform;

/**
 * The back-pressure rule: a platform gets no further release while its senders have {@code
 * maxUnsent} or more released messages outstanding. Outstanding = the latest measured lag of the
 * senders' group plus what this task released since that measurement (the measurement cannot see
 * those yet). While nothing is measured (no monitor, or the broker cannot be asked), releases are
 * not held back: the token bucket alone limits them, as without this rule.
 *
 * <p>The estimate can run over by what was released but not yet produced when a measurement was
 * taken (at most one measurement interval's releases), and each scheduler instance counts only its
 * own releases; it is a bound on how deep the FIFO delivery topic gets, not an exact count.
 */
final class UnsentLimit {
  private final int maxUnsent;
  private final SenderBacklog backlog;
  private final Map<Platform, Long> seenSequence = new EnumMap<>(Platform.class);
  private final Map<Platform, Long> releasedSince = new EnumMap<>(Platform.class);

  /**
   * @param maxUnsent 0 for no limit
   */
  UnsentLimit(int maxUnsent, SenderBacklog backlog) {
    this.maxUnsent = maxUnsent;
    this.backlog = backlog;
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
    return measured.unsent() + releasedSince.getOrDefault(platform, 0L) < maxUnsent;
  }

  /** Counts a release of {@code platform} made after the latest measurement. */
  void released(Platform platform) {
    releasedSince.merge(platform, 1L, Long::sum);
  }
}

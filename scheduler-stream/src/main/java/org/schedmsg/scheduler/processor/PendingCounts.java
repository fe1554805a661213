package org.schedmsg.scheduler.processor;

import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.scheduler.metrics.SchedulerMetrics;
import org.schedmsg.scheduler.store.DueIndexKey;

/**
 * One task's share of the pending gauges (by platform and clamped priority, as in the index keys),
 * so that it can be taken back when the task closes.
 */
final class PendingCounts {
  private final SchedulerMetrics metrics;
  private final long[][] counts =
      new long[Platform.values().length][ScheduledMessage.LOWEST_PRIORITY + 1];

  PendingCounts(SchedulerMetrics metrics) {
    this.metrics = metrics;
  }

  void add(DueIndexKey key) {
    change(key, 1);
  }

  void remove(DueIndexKey key) {
    change(key, -1);
  }

  void clear() {
    for (Platform platform : Platform.values()) {
      long[] byPriority = counts[platform.ordinal()];
      for (int p = 0; p < byPriority.length; p++) {
        if (byPriority[p] != 0) {
          metrics.pendingChanged(platform, p, -byPriority[p]);
          byPriority[p] = 0;
        }
      }
    }
  }

  private void change(DueIndexKey key, int delta) {
    counts[key.platform().ordinal()][key.priority()] += delta;
    metrics.pendingChanged(key.platform(), key.priority(), delta);
  }
}

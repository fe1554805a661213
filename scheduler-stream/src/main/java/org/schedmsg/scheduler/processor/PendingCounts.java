package org.schedmsg.scheduler.processor;

import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.scheduler.metrics.SchedulerMetrics;
import org.schedmsg.scheduler.store.DueIndexKey;
import org.schedmsg.scheduler.store.PendingMessage;

/** One task's share of the pending gauges, so that it can be taken back when the task closes. */
final class PendingCounts {
  private final SchedulerMetrics metrics;
  private final long[][] counts =
      new long[Platform.values().length][ScheduledMessage.LOWEST_PRIORITY + 1];

  PendingCounts(SchedulerMetrics metrics) {
    this.metrics = metrics;
  }

  void add(PendingMessage entry) {
    change(entry, 1);
  }

  void remove(PendingMessage entry) {
    change(entry, -1);
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

  private void change(PendingMessage entry, int delta) {
    Platform platform = entry.message().platform();
    int priority = DueIndexKey.clampPriority(entry.message().priority());
    counts[platform.ordinal()][priority] += delta;
    metrics.pendingChanged(platform, priority, delta);
  }
}

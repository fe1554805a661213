package org.schedmsg.scheduler.backlog;

import java.time.Duration;

/**
 * How fast a senders' group has been committing records on its delivery topic: the records done
 * between two measurements over the time between them, smoothed exponentially with a time constant
 * of {@link #SMOOTHING} (so a burst of one batch does not swing it, and a stop shows within a few
 * seconds). NaN until two measurements exist. Not thread-safe: the monitor's thread owns it.
 */
final class DrainRate {
  static final Duration SMOOTHING = Duration.ofSeconds(1);

  private long lastDone = -1;
  private long lastNanos;
  private double perSecond = Double.NaN;

  /**
   * Takes a measurement: {@code done} records committed in total (summed over the partitions),
   * measured at {@code nanos} (a monotonic clock). Returns the smoothed rate, records per second.
   */
  double update(long done, long nanos) {
    if (lastDone >= 0 && nanos > lastNanos) {
      double seconds = (nanos - lastNanos) / 1e9;
      double instant = Math.max(0, done - lastDone) / seconds;
      double weight = 1 - Math.exp(-seconds * 1e9 / SMOOTHING.toNanos());
      perSecond = Double.isNaN(perSecond) ? instant : perSecond + weight * (instant - perSecond);
    }
    lastDone = done;
    lastNanos = nanos;
    return perSecond;
  }
}

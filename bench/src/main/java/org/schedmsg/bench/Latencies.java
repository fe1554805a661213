package org.schedmsg.bench;

import java.time.Duration;
import java.time.Instant;
import org.HdrHistogram.Histogram;

/**
 * The histograms of the benchmark: microseconds, 3 significant digits, up to one hour; a negative
 * latency (early) is recorded as 0 and counted by the caller, a longer one as one hour.
 */
final class Latencies {
  static final long HIGHEST_TRACKABLE_MICROS = Duration.ofHours(1).toNanos() / 1000;

  private Latencies() {}

  static Histogram histogram() {
    return new Histogram(HIGHEST_TRACKABLE_MICROS, 3);
  }

  /** Records {@code to - from}; returns false when it is negative. */
  static boolean record(Histogram histogram, Instant from, Instant to) {
    long micros = Duration.between(from, to).toNanos() / 1000;
    histogram.recordValue(Math.min(Math.max(micros, 0), HIGHEST_TRACKABLE_MICROS));
    return micros >= 0;
  }

  /** The value at {@code percentile} in milliseconds, NaN when empty. */
  static double millis(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0
        ? Double.NaN
        : histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  /** The largest value in milliseconds, NaN when empty. */
  static double maxMillis(Histogram histogram) {
    return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMaxValue() / 1000.0;
  }
}

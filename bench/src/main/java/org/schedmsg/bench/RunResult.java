package org.schedmsg.bench;

import org.HdrHistogram.Histogram;

/**
 * The outcome of one contestant on one workload.
 *
 * @param lateness platform receive time minus {@code scheduled_time}, in microseconds, of every
 *     delivered message (the first delivery of each; early ones count as 0 here and in {@code
 *     early})
 * @param planned messages written
 * @param delivered distinct messages the platform received
 * @param duplicates requests beyond the first for a message
 * @param early messages received before their {@code scheduled_time} (must be 0)
 * @param inversions pairs of messages due at the same instant where the less urgent one (higher
 *     priority number) was received strictly before the more urgent one
 * @param throughput delivered messages per second, from the earliest due time to the last receipt
 * @param commits PostgreSQL commits in the contestant's database during the run
 * @param cpuSeconds CPU seconds of this JVM during the run
 * @param wallSeconds from the start of the workload to the last check of completion
 */
record RunResult(
    String contestant,
    String workload,
    Histogram lateness,
    int planned,
    int delivered,
    int duplicates,
    int early,
    long inversions,
    double throughput,
    long commits,
    double cpuSeconds,
    double wallSeconds) {

  double commitsPerThousand() {
    return planned == 0 ? 0 : commits * 1000.0 / planned;
  }

  double latenessMillis(double percentile) {
    return lateness.getTotalCount() == 0
        ? Double.NaN
        : lateness.getValueAtPercentile(percentile) / 1000.0;
  }

  double maxLatenessMillis() {
    return lateness.getTotalCount() == 0 ? Double.NaN : lateness.getMaxValue() / 1000.0;
  }
}

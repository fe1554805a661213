package org.schedmsg.bench;

import org.HdrHistogram.Histogram;

/**
 * The outcome of one contestant on one workload (or on a named subset of its messages, e.g. the
 * urgent ones of a drain, whose resource figures are then n/a).
 *
 * @param planned messages written
 * @param delivered distinct messages the platform received
 * @param duplicates requests beyond the first for a message
 * @param early messages received before their {@code scheduled_time}, plus requests for messages
 *     the workload did not plan (must be 0)
 * @param inversions pairs of messages due at the same instant where the less urgent one (higher
 *     priority number) was received strictly before the more urgent one
 * @param delivery platform receive time minus {@code scheduled_time}, microseconds, first request
 *     of each delivered message (early ones as 0)
 * @param throughput delivered messages per second, from the earliest due time to the last receipt
 * @param release see {@link ReleaseAnalysis}
 * @param insertToSent {@code sent_at - created_at} of the rows marked sent, microseconds
 */
record RunResult(
    String contestant,
    String workload,
    int planned,
    int delivered,
    int duplicates,
    int early,
    long inversions,
    Histogram delivery,
    double throughput,
    ReleaseAnalysis release,
    Histogram insertToSent,
    Resources resources,
    Timings timings) {

  /**
   * What the run cost, from the start of the workload to the end of the run (NaN or -1: n/a).
   *
   * @param commits PostgreSQL commits in the contestant's database
   * @param jvmCpuSeconds CPU seconds of this JVM
   * @param postgresCpuSeconds CPU seconds of the PostgreSQL server
   * @param jvmPeakRssBytes see {@link PeakMemory}
   * @param postgresPeakRssBytes see {@link PeakMemory}
   */
  record Resources(
      long commits,
      double jvmCpuSeconds,
      double postgresCpuSeconds,
      double wallSeconds,
      long jvmPeakRssBytes,
      long postgresPeakRssBytes) {
    static final Resources NONE = new Resources(-1, Double.NaN, Double.NaN, Double.NaN, -1, -1);
  }

  /**
   * Timings of the run (NaN: n/a).
   *
   * @param startSeconds from the contestant's start call until it was ready, including taking in a
   *     pre-existing backlog
   * @param ingestSeconds from the workload's start until the contestant had taken in its rows
   *     (contestants that ingest only)
   * @param restartReleaseSeconds from the start call after a stop to the first release
   * @param restartReceiptSeconds from the start call after a stop to the first platform receipt
   * @param insertRate rows per second the workload achieved writing
   */
  record Timings(
      double startSeconds,
      double ingestSeconds,
      double restartReleaseSeconds,
      double restartReceiptSeconds,
      double insertRate) {
    static final Timings NONE =
        new Timings(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  /** Every message delivered once, none early, none released early. */
  boolean correct() {
    return delivered == planned && duplicates == 0 && early == 0 && release.early() == 0;
  }

  /**
   * PostgreSQL commits per 1,000 delivered messages: a run that delivered only part of its plan in
   * the time allowed spent its commits on what it delivered (the workload's own inserts, of every
   * planned row, are included).
   */
  double commitsPerThousand() {
    return delivered() == 0 || resources.commits() < 0
        ? Double.NaN
        : resources.commits() * 1000.0 / delivered();
  }

  /**
   * JVM plus PostgreSQL CPU seconds per 1,000 delivered messages (JVM only when PG's is n/a): per
   * planned message, a contestant that delivered a third of a burst looked three times cheaper.
   */
  double cpuSecondsPerThousand() {
    double pg = Double.isNaN(resources.postgresCpuSeconds()) ? 0 : resources.postgresCpuSeconds();
    return delivered() == 0 ? Double.NaN : (resources.jvmCpuSeconds() + pg) * 1000.0 / delivered();
  }

  double deliveryMillis(double percentile) {
    return Latencies.millis(delivery, percentile);
  }

  double releaseMillis(double percentile) {
    return Latencies.millis(release.lateness(), percentile);
  }

  double insertToSentMillis(double percentile) {
    return Latencies.millis(insertToSent, percentile);
  }
}

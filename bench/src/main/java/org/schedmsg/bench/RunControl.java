package org.schedmsg.bench;

import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/** What a workload may do besides writing rows: wait for ingestion, stop and restart. */
interface RunControl {
  /** The contestant's database, as its owner (the role upstream services write with). */
  DataSource owner();

  /**
   * Waits until the contestant has taken {@code rows} more rows into a store of its own than it had
   * at {@code mark} (see {@link #ingestMark()}), at most until {@code deadline}; records the time
   * from {@code since} as the run's time to ingest. Returns at once for a contestant that reads the
   * table itself.
   */
  void awaitIngested(long mark, long rows, Instant since, Instant deadline);

  /** The contestant's ingest counter now ({@link IngestProgress}), 0 when it has none. */
  long ingestMark();

  /** Records the rate at which the workload's rows were written (rows per second). */
  void reportInsertRate(double rowsPerSecond);

  /** Stops the contestant (as a deploy or crash-free restart would). */
  void stop();

  /** Starts it again on the same database, topics and state; records the instant of the call. */
  void startAgain();

  /** Blocks until {@code at} (open-loop schedules), or returns at once when it passed. */
  static void sleepUntil(Instant at) {
    long millis = Duration.between(Instant.now(), at).toMillis();
    if (millis > 0) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }
}

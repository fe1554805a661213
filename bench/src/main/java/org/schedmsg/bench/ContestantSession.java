package org.schedmsg.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One contestant running on one arena, with the timings a run reports: how long its start took
 * (including, for a contestant that ingests, taking in a pre-existing backlog), how long it took to
 * ingest what the workload wrote, and when it was started again after a stop.
 */
final class ContestantSession implements RunControl, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ContestantSession.class);
  private static final long CHECK_MILLIS = 100;

  private final Contestant contestant;
  private final Arena arena;
  private AutoCloseable running;
  private double startSeconds = Double.NaN;
  private double ingestSeconds = Double.NaN;
  private Instant restartedAt;
  private double insertRate = Double.NaN;

  ContestantSession(Contestant contestant, Arena arena) {
    this.contestant = contestant;
    this.arena = arena;
  }

  /**
   * Starts the contestant and, when the database holds {@code backlogRows} rows already, waits
   * until it has ingested them (at most {@code backlogTimeout}); both count as its start time.
   */
  void start(long backlogRows, Duration backlogTimeout) {
    long t0 = System.nanoTime();
    running = contestant.start(arena);
    if (backlogRows > 0) {
      awaitIngested(0, backlogRows, Instant.now(), Instant.now().plus(backlogTimeout));
      ingestSeconds = Double.NaN;
    }
    startSeconds = (System.nanoTime() - t0) / 1e9;
    log.info("{} started in {} s", contestant.name(), String.format("%.1f", startSeconds));
  }

  @Override
  public DataSource owner() {
    return arena.owner();
  }

  @Override
  public long ingestMark() {
    return running instanceof IngestProgress p ? p.ingested() : 0;
  }

  @Override
  public void awaitIngested(long mark, long rows, Instant since, Instant deadline) {
    if (!(running instanceof IngestProgress progress)) {
      return;
    }
    try {
      while (progress.ingested() < mark + rows) {
        if (Instant.now().isAfter(deadline)) {
          log.warn("{}: not ingested by {}", contestant.name(), deadline);
          return;
        }
        TimeUnit.MILLISECONDS.sleep(CHECK_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for ingestion", e);
    }
    ingestSeconds = Duration.between(since, Instant.now()).toNanos() / 1e9;
  }

  @Override
  public void reportInsertRate(double rowsPerSecond) {
    insertRate = rowsPerSecond;
  }

  @Override
  public void stop() {
    closeRunning();
  }

  @Override
  public void startAgain() {
    restartedAt = Instant.now();
    running = contestant.start(arena);
  }

  double startSeconds() {
    return startSeconds;
  }

  double ingestSeconds() {
    return ingestSeconds;
  }

  double insertRate() {
    return insertRate;
  }

  /** When {@link #startAgain()} was called, or null. */
  Instant restartedAt() {
    return restartedAt;
  }

  @Override
  public void close() {
    closeRunning();
  }

  private void closeRunning() {
    if (running == null) {
      return;
    }
    try {
      running.close();
    } catch (Exception e) {
      log.warn("stopping {} failed", contestant.name(), e);
    } finally {
      running = null;
    }
  }
}

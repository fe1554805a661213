package org.schedmsg.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code size} messages all due at the same instant, {@code lead} after the workload starts,
 * priorities 1, 5 and 9 in turn, written as an upstream batch job would: {@code COPY} in
 * transactions of {@value #ROWS_PER_TRANSACTION} rows. The lead must cover writing and, for a
 * contestant that ingests (the pipeline), taking the rows in; the time to ingest is measured and
 * reported, so a lead too short shows.
 */
final class BurstWorkload implements Workload {
  static final int ROWS_PER_TRANSACTION = 10_000;
  static final long FIRST_RECIPIENT = 10_000_000L;
  static final Duration INGEST_WAIT_AFTER_DUE = Duration.ofMinutes(2);

  private final int size;
  private final Duration lead;
  private final Clock clock;

  BurstWorkload(int size, Duration lead, Clock clock) {
    if (size < 1) {
      throw new IllegalArgumentException("--size must be at least 1");
    }
    this.size = size;
    this.lead = lead;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "burst-" + size;
  }

  /**
   * {@code size} messages all due at {@code due}, priorities 1, 5, 9 in turn, one chat each,
   * numbered from {@code firstRecipient}.
   */
  static List<PlannedMessage> dueTogether(int size, Instant due, long firstRecipient) {
    List<PlannedMessage> all = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      all.add(
          new PlannedMessage(
              UUID.randomUUID(), Long.toString(firstRecipient + i), PRIORITIES[i % 3], due));
    }
    return all;
  }

  @Override
  public List<PlannedMessage> run(RunControl control) {
    Instant start = clock.instant();
    Instant due = start.plus(lead).truncatedTo(ChronoUnit.MILLIS);
    List<PlannedMessage> all = dueTogether(size, due, FIRST_RECIPIENT);
    long mark = control.ingestMark();
    long t0 = System.nanoTime();
    MessageWriter.copy(control.owner(), all, ROWS_PER_TRANSACTION);
    control.reportInsertRate(size / ((System.nanoTime() - t0) / 1e9));
    if (clock.instant().isAfter(due)) {
      throw new IllegalStateException(
          "writing the burst took longer than the lead of " + lead + "; raise --lead");
    }
    // the inserts are the first records after the mark (nothing is sent before the due time), so
    // reaching mark + size means every insert is in; wait past the due time to measure it
    control.awaitIngested(mark, size, start, due.plus(INGEST_WAIT_AFTER_DUE));
    return all;
  }
}

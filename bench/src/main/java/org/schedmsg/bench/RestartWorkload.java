package org.schedmsg.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Time to first release after a restart: {@code size} messages due {@code lead} after the start are
 * written and (for a contestant that ingests) taken in; the contestant is stopped before they fall
 * due and started again {@value #OVERDUE_SECONDS} s after they did, on the same database, topics
 * and state. The run reports the time from that start call to the first release and to the first
 * platform receipt of one of them. Everything must still be delivered exactly once.
 */
final class RestartWorkload implements Workload {
  static final long FIRST_RECIPIENT = 50_000_000L;
  static final long OVERDUE_SECONDS = 1;

  private final int size;
  private final Duration lead;

  RestartWorkload(int size, Duration lead) {
    if (size < 1) {
      throw new IllegalArgumentException("--restart-size must be at least 1");
    }
    this.size = size;
    this.lead = lead;
  }

  @Override
  public String name() {
    return "restart-" + size;
  }

  @Override
  public List<PlannedMessage> run(RunControl control) {
    Instant start = Instant.now();
    Instant due = start.plus(lead).truncatedTo(ChronoUnit.MILLIS);
    List<PlannedMessage> all = BurstWorkload.dueTogether(size, due, FIRST_RECIPIENT);
    long mark = control.ingestMark();
    MessageWriter.copy(control.owner(), all, BurstWorkload.ROWS_PER_TRANSACTION);
    // stop by half the lead at the latest, so that stopping is over before anything is due
    Instant stopBy = start.plus(lead.dividedBy(2));
    control.awaitIngested(mark, size, start, stopBy);
    control.stop();
    if (Instant.now().isAfter(due)) {
      throw new IllegalStateException("stopping took past the due time; raise --restart-lead");
    }
    RunControl.sleepUntil(due.plusSeconds(OVERDUE_SECONDS));
    control.startAgain();
    return all;
  }
}

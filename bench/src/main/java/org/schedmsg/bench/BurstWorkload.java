package org.schedmsg.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code size} messages all due at the same instant, {@code lead} after the workload starts,
 * priorities 1, 5 and 9 in turn. The rows are written in batches of {@value #BATCH} before they
 * fall due.
 */
final class BurstWorkload implements Workload {
  static final int BATCH = 1000;

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

  @Override
  public List<PlannedMessage> run(DataSource owner) {
    Instant due = clock.instant().plus(lead).truncatedTo(ChronoUnit.MILLIS);
    List<PlannedMessage> all = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      all.add(
          new PlannedMessage(
              UUID.randomUUID(), Integer.toString(1_000_000 + i), PRIORITIES[i % 3], due));
    }
    MessageWriter writer = new MessageWriter(owner);
    for (int from = 0; from < size; from += BATCH) {
      writer.insertBatch(all.subList(from, Math.min(size, from + BATCH)));
    }
    if (clock.instant().isAfter(due)) {
      throw new IllegalStateException(
          "writing the burst took longer than the lead of " + lead + "; raise --lead");
    }
    return all;
  }
}

package org.schedmsg.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A backlog drained through a tight platform rate limit: {@code bulk} messages of priority 9, all
 * due at the instant the workload starts, written with {@code COPY}; then, while the contestant
 * drains them at {@code platformRate} per second, urgent messages of priority 1 are inserted at
 * {@code urgentRate} per second (one writer), each due 1 s after its insert, for three quarters of
 * the nominal drain time. Do urgent messages overtake the bulk? Their lateness is reported on a row
 * of its own ({@code <name>-urgent}), next to the bulk's ({@code <name>-bulk}).
 */
final class DrainWorkload implements Workload {
  static final int BULK_PRIORITY = 9;
  static final int URGENT_PRIORITY = 1;
  static final long FIRST_BULK_RECIPIENT = 30_000_000L;
  static final long FIRST_URGENT_RECIPIENT = 40_000_000L;

  private final int bulk;
  private final int platformRate;
  private final int urgentRate;

  DrainWorkload(int bulk, int platformRate, int urgentRate) {
    if (bulk < 1 || platformRate < 1 || urgentRate < 1) {
      throw new IllegalArgumentException("drain sizes and rates must be at least 1");
    }
    this.bulk = bulk;
    this.platformRate = platformRate;
    this.urgentRate = urgentRate;
  }

  @Override
  public String name() {
    return "drain-" + bulk + "@" + platformRate + "/s+urgent-" + urgentRate + "/s";
  }

  @Override
  public int platformRate(int commandDefault) {
    return platformRate;
  }

  @Override
  public Map<String, Predicate<PlannedMessage>> subsets() {
    Map<String, Predicate<PlannedMessage>> subsets = new LinkedHashMap<>();
    subsets.put("urgent", m -> m.priority() == URGENT_PRIORITY);
    subsets.put("bulk", m -> m.priority() == BULK_PRIORITY);
    return subsets;
  }

  /** How long urgent messages are inserted: three quarters of the nominal drain, at least 1 s. */
  Duration urgentDuration() {
    return Duration.ofMillis(Math.max(1000, bulk * 750L / platformRate));
  }

  @Override
  public List<PlannedMessage> run(RunControl control) {
    Instant due = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<PlannedMessage> all = new ArrayList<>(bulk);
    for (int i = 0; i < bulk; i++) {
      all.add(
          new PlannedMessage(
              UUID.randomUUID(), Long.toString(FIRST_BULK_RECIPIENT + i), BULK_PRIORITY, due));
    }
    long t0 = System.nanoTime();
    MessageWriter.copy(control.owner(), all, BurstWorkload.ROWS_PER_TRANSACTION);
    control.reportInsertRate(bulk / ((System.nanoTime() - t0) / 1e9));
    OpenLoopWriter urgent = new OpenLoopWriter(control.owner(), urgentRate, urgentDuration(), 1);
    all.addAll(
        urgent
            .write(
                (i, now) ->
                    new PlannedMessage(
                        UUID.randomUUID(),
                        Long.toString(FIRST_URGENT_RECIPIENT + i),
                        URGENT_PRIORITY,
                        now.plusSeconds(1).truncatedTo(ChronoUnit.MILLIS)))
            .messages());
    return all;
  }
}

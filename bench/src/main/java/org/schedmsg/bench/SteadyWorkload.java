package org.schedmsg.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Open-loop inserts: {@code rate} rows per second for {@code duration}, one transaction per row (as
 * upstream services write), each due 1-60 s after its insert, truncated to the whole second so that
 * messages of different priorities share due instants. The schedule of inserts does not wait for
 * the contestant; if inserting falls behind, the shortfall is reported in the log.
 */
final class SteadyWorkload implements Workload {
  private static final long SEED = 8L;

  private final int rate;
  private final Duration duration;
  private final Clock clock;

  SteadyWorkload(int rate, Duration duration, Clock clock) {
    if (rate < 1) {
      throw new IllegalArgumentException("--rate must be at least 1");
    }
    this.rate = rate;
    this.duration = duration;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "steady-" + rate + "/s-" + duration.toSeconds() + "s";
  }

  @Override
  public List<PlannedMessage> run(DataSource owner) {
    int total = (int) (rate * duration.toSeconds());
    List<PlannedMessage> all = new ArrayList<>(total);
    SplittableRandom random = new SplittableRandom(SEED);
    long start = System.nanoTime();
    long interval = 1_000_000_000L / rate;
    try (Connection c = owner.getConnection()) {
      for (int i = 0; i < total; i++) {
        LockSupport.parkNanos(start + i * interval - System.nanoTime());
        Instant due =
            clock.instant().plusSeconds(1 + random.nextInt(60)).truncatedTo(ChronoUnit.SECONDS);
        PlannedMessage m =
            new PlannedMessage(
                UUID.randomUUID(), Integer.toString(2_000_000 + i), PRIORITIES[i % 3], due);
        MessageWriter.insertOne(c, m);
        all.add(m);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot insert the steady workload", e);
    }
    return all;
  }
}

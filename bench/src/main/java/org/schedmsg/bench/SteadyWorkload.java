package org.schedmsg.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Open-loop inserts at {@code rate} rows per second for {@code duration} ({@link OpenLoopWriter}:
 * {@code writers} connections, small multi-row transactions every few milliseconds), each row due 1
 * to {@code spreadSeconds} s after its insert, truncated to the whole second so that messages of
 * different priorities share due instants. The achieved insert rate is reported.
 */
final class SteadyWorkload implements Workload {
  static final long FIRST_RECIPIENT = 20_000_000L;
  private static final long SEED = 8L;

  private final String prefix;
  private final int rate;
  private final Duration duration;
  private final int spreadSeconds;
  private final int writers;

  SteadyWorkload(String prefix, int rate, Duration duration, int spreadSeconds, int writers) {
    if (rate < 1) {
      throw new IllegalArgumentException("--rate must be at least 1");
    }
    if (spreadSeconds < 1) {
      throw new IllegalArgumentException("--spread must be at least 1 second");
    }
    this.prefix = prefix;
    this.rate = rate;
    this.duration = duration;
    this.spreadSeconds = spreadSeconds;
    this.writers = writers;
  }

  int rate() {
    return rate;
  }

  @Override
  public String name() {
    return prefix + "-" + rate + "/s-" + duration.toSeconds() + "s-due1-" + spreadSeconds + "s";
  }

  @Override
  public List<PlannedMessage> run(RunControl control) {
    OpenLoopWriter writer = new OpenLoopWriter(control.owner(), rate, duration, writers);
    OpenLoopWriter.Written written = writer.write(this::row);
    control.reportInsertRate(written.achievedPerSecond());
    return written.messages();
  }

  private PlannedMessage row(int i, Instant now) {
    int ahead = 1 + new SplittableRandom(SEED + i).nextInt(spreadSeconds);
    Instant due = now.plusSeconds(ahead).truncatedTo(ChronoUnit.SECONDS);
    return new PlannedMessage(
        UUID.randomUUID(), Long.toString(FIRST_RECIPIENT + i), PRIORITIES[i % 3], due);
  }
}

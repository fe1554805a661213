package org.schedmsg.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steady runs at rising rates for one contestant, stopping at the first rate it fails: p99 release
 * lateness of 1 s or more, not every message delivered exactly once, anything early, or the inserts
 * themselves falling below 90% of the rate (the database did not take the offered load while the
 * contestant ran on it). The highest passing rate is what it sustains.
 */
final class Sweep {
  private static final Logger log = LoggerFactory.getLogger(Sweep.class);
  static final double MAX_P99_RELEASE_MILLIS = 1000;
  static final double MIN_INSERT_FRACTION = 0.9;

  private final BenchRunner runner;
  private final List<Integer> rates;
  private final Duration duration;
  private final int spreadSeconds;
  private final int writers;

  Sweep(
      BenchRunner runner, List<Integer> rates, Duration duration, int spreadSeconds, int writers) {
    this.runner = runner;
    this.rates = rates.stream().sorted().toList();
    this.duration = duration;
    this.spreadSeconds = spreadSeconds;
    this.writers = writers;
  }

  /** Runs the sweep; adds every run's rows to {@code rows}. */
  SweepOutcome run(Contestant contestant, List<RunResult> rows) throws Exception {
    int sustained = 0;
    for (int rate : rates) {
      List<RunResult> step =
          runner.run(
              contestant, new SteadyWorkload("sweep", rate, duration, spreadSeconds, writers));
      rows.addAll(step);
      String why = failure(step.get(0), rate);
      log.info("sweep {} at {}/s: {}", contestant.name(), rate, why.isEmpty() ? "sustained" : why);
      if (!why.isEmpty()) {
        return new SweepOutcome(sustained, rate, why);
      }
      sustained = rate;
    }
    return new SweepOutcome(sustained, 0, "sustained every rate tried");
  }

  /** Why {@code r} fails the sweep's bar, or "" when it passes. */
  static String failure(RunResult r, int rate) {
    List<String> why = new ArrayList<>();
    if (!r.correct()) {
      why.add(
          String.format(
              Locale.ROOT,
              "delivered %d/%d, duplicates %d, early %d, early releases %d",
              r.delivered(),
              r.planned(),
              r.duplicates(),
              r.early(),
              r.release().early()));
    }
    double p99 = r.releaseMillis(99);
    if (Double.isNaN(p99) || p99 >= MAX_P99_RELEASE_MILLIS) {
      why.add("release p99 " + ResultTable.number(p99) + " ms");
    }
    if (!(r.timings().insertRate() >= MIN_INSERT_FRACTION * rate)) {
      why.add("inserts reached " + ResultTable.number(r.timings().insertRate()) + "/s");
    }
    return String.join("; ", why);
  }
}

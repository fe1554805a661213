package org.schedmsg.faults;

import java.time.Clock;
import java.time.Duration;
import org.schedmsg.scheduler.App;

/**
 * scheduler-stream with its wall clock {@code args[0]} (ISO-8601, e.g. {@code PT3S}) ahead of the
 * host's, and so of the database's: the fault of {@code clock-ahead}. Otherwise the service as its
 * own {@code App} runs it (environment, exit codes).
 */
public final class ClockAheadSchedulerMain {
  private ClockAheadSchedulerMain() {}

  public static void main(String[] args) {
    App.run(Clock.offset(Clock.systemUTC(), Duration.parse(args[0])));
  }
}

package org.schedmsg.bench;

import java.time.Instant;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Release lateness: when each planned message became available to the contestant's sending code
 * ({@link ReleaseLog}) minus its {@code scheduled_time}; a release before it is early (must be 0).
 * With an end of the run, a message not released by then is recorded as late as the end (censored),
 * so every percentile is then a lower bound.
 *
 * @param lateness of every released message, microseconds (early ones as 0)
 * @param released planned messages with a recorded release
 * @param early released before their scheduled time
 */
record ReleaseAnalysis(Histogram lateness, int released, int early) {

  static ReleaseAnalysis of(List<PlannedMessage> planned, ReleaseLog releases) {
    return of(planned, releases, null);
  }

  /** As {@link #of(List, ReleaseLog)}, unreleased messages censored at {@code end} (null: not). */
  static ReleaseAnalysis of(List<PlannedMessage> planned, ReleaseLog releases, Instant end) {
    Histogram lateness = Latencies.histogram();
    int released = 0;
    int early = 0;
    for (PlannedMessage m : planned) {
      Instant at = releases.firstRelease(m.id());
      if (at == null) {
        if (end != null) {
          Latencies.record(lateness, m.scheduledTime(), end);
        }
        continue;
      }
      released++;
      if (!Latencies.record(lateness, m.scheduledTime(), at)) {
        early++;
      }
    }
    return new ReleaseAnalysis(lateness, released, early);
  }
}

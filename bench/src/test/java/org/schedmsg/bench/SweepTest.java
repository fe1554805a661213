package org.schedmsg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SweepTest {
  private static RunResult result(int delivered, long releaseP99Micros, double insertRate) {
    Histogram release = Latencies.histogram();
    release.recordValue(releaseP99Micros);
    return new RunResult(
        "poller",
        "sweep-1000/s",
        100,
        delivered,
        0,
        0,
        0,
        Latencies.histogram(),
        0,
        new ReleaseAnalysis(release, delivered, 0),
        Latencies.histogram(),
        RunResult.Resources.NONE,
        new RunResult.Timings(Double.NaN, Double.NaN, Double.NaN, Double.NaN, insertRate));
  }

  @Test
  void shouldPassWhenAllDeliveredWithP99UnderOneSecondAndInsertsKeptUp() {
    assertThat(Sweep.failure(result(100, 900_000, 995), 1000)).isEmpty();
  }

  @Test
  void shouldFailWhenP99ReleaseLatenessReachesOneSecond() {
    assertThat(Sweep.failure(result(100, 1_000_000, 1000), 1000)).contains("release p99");
  }

  @Test
  void shouldFailWhenNotEveryMessageWasDelivered() {
    assertThat(Sweep.failure(result(99, 10_000, 1000), 1000)).contains("delivered 99/100");
  }

  @Test
  void shouldFailWhenInsertsFellBelowNinetyPercentOfTheRate() {
    assertThat(Sweep.failure(result(100, 10_000, 850), 1000)).contains("inserts reached");
  }
}

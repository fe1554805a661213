package org.schedmsg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunResultTest {
  private static RunResult result(int planned, int delivered, RunResult.Resources resources) {
    return new RunResult(
        "pipeline",
        "burst-30000",
        planned,
        delivered,
        0,
        0,
        0,
        Latencies.histogram(),
        0,
        new ReleaseAnalysis(Latencies.histogram(), delivered, 0),
        Latencies.histogram(),
        resources,
        new RunResult.Timings(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN));
  }

  @Test
  void shouldCountCpuPerDeliveredMessageWhenOnlyPartOfThePlanWasDelivered() {
    RunResult r = result(30_000, 10_000, new RunResult.Resources(5_000, 20.0, 10.0, 30.0, -1, -1));

    assertThat(r.cpuSecondsPerThousand()).isEqualTo(3.0);
    assertThat(r.commitsPerThousand()).isEqualTo(500.0);
  }

  @Test
  void shouldHaveNoCostPerMessageWhenNothingWasDelivered() {
    RunResult r = result(30_000, 0, new RunResult.Resources(5_000, 20.0, 10.0, 30.0, -1, -1));

    assertThat(r.cpuSecondsPerThousand()).isNaN();
    assertThat(r.commitsPerThousand()).isNaN();
  }
}

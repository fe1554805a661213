package org.schedmsg.scheduler.backlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DrainRateTest {
  private static final long MS = 1_000_000L;

  @Test
  void shouldBeUnknownUntilSecondMeasurement() {
    DrainRate rate = new DrainRate();

    assertThat(rate.update(1_000, 0)).isNaN();
    assertThat(rate.update(1_100, 200 * MS)).isCloseTo(500.0, within(1e-9));
  }

  @Test
  void shouldSettleOnSendersPaceWhenTheyCommitBatchesUnevenly() {
    DrainRate rate = new DrainRate();
    long done = 0;
    double latest = rate.update(done, 0);
    for (int i = 1; i <= 50; i++) { // a batch of 100 every other 200 ms: 250/s
      done += i % 2 == 0 ? 100 : 0;
      latest = rate.update(done, i * 200 * MS);
    }

    assertThat(latest).isBetween(150.0, 350.0);
  }

  @Test
  void shouldDecayTowardsZeroWhenSendersStop() {
    DrainRate rate = new DrainRate();
    rate.update(0, 0);
    rate.update(500, 1000 * MS); // 500/s
    double latest = 0;
    for (int i = 1; i <= 15; i++) { // stopped for 3 s
      latest = rate.update(500, (1000 + i * 200) * MS);
    }

    assertThat(latest).isLessThan(500 * Math.exp(-2.9)).isGreaterThanOrEqualTo(0);
  }

  @Test
  void shouldCountNothingDoneWhenCommittedOffsetsGoBack() {
    DrainRate rate = new DrainRate();
    rate.update(1_000, 0);

    assertThat(rate.update(10, 200 * MS)).isZero();
  }
}

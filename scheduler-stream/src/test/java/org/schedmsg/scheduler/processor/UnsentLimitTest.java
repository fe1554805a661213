package org.schedmsg.scheduler.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.schedmsg.scheduler.processor.SenderBacklog.Measurement;

class UnsentLimitTest {
  private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

  private static long bound(int maxUnsent, Duration maxTime, Measurement measured) {
    return new UnsentLimit(maxUnsent, maxTime, SenderBacklog.UNMEASURED).bound(measured);
  }

  @Test
  void shouldBoundByMaxUnsentTimeOfSendsAtMeasuredRate() {
    assertThat(bound(1000, TWO_SECONDS, new Measurement(0, 1, 218.0))).isEqualTo(436);
  }

  @Test
  void shouldNeverBoundAboveMaxUnsent() {
    assertThat(bound(1000, TWO_SECONDS, new Measurement(0, 1, 5000.0))).isEqualTo(1000);
  }

  @Test
  void shouldKeepOneSenderBatchWhenSendersAreIdleOrStopped() {
    assertThat(bound(1000, TWO_SECONDS, new Measurement(0, 1, 0.0)))
        .isEqualTo(UnsentLimit.MIN_BOUND);
    assertThat(bound(5, TWO_SECONDS, new Measurement(0, 1, 0.0))).isEqualTo(5);
  }

  @Test
  void shouldBoundByMaxUnsentAloneWhenRateUnknownOrTimeBoundOff() {
    assertThat(bound(1000, TWO_SECONDS, new Measurement(0, 1))).isEqualTo(1000);
    assertThat(bound(1000, Duration.ZERO, new Measurement(0, 1, 10.0))).isEqualTo(1000);
  }

  /**
   * With four tasks, each counts its own releases since a measurement four times: together they
   * stop at the bound, not at four times it.
   */
  @Test
  void shouldCountOwnReleasesOncePerTaskWhenFourTasksShareTheBound() {
    SenderBacklog.Measurement idle = new Measurement(0, 1, Double.NaN);
    UnsentLimit limit = new UnsentLimit(100, Duration.ZERO, p -> idle, 4);
    int released = 0;
    while (limit.allows(org.schedmsg.contracts.Platform.TELEGRAM)) {
      limit.released(org.schedmsg.contracts.Platform.TELEGRAM);
      released++;
    }

    assertThat(released).isEqualTo(25);
  }
}

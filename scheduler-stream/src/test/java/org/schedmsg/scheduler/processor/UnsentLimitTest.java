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
}

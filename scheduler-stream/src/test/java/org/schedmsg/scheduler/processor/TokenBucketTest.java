package org.schedmsg.scheduler.processor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  static final long T = 1_000_000L;

  @Test
  void shouldAllowOneSecondOfRateWhenFirstRefilled() {
    TokenBucket bucket = new TokenBucket(3);
    bucket.refill(T);

    assertThat(take(bucket)).isEqualTo(3);
  }

  @Test
  void shouldEarnRateTimesElapsedWhenTimestampsAdvance() {
    TokenBucket bucket = new TokenBucket(10);
    bucket.refill(T);
    take(bucket);

    bucket.refill(T + 100);
    assertThat(take(bucket)).isEqualTo(1);
    bucket.refill(T + 150);
    assertThat(take(bucket)).isZero();
    bucket.refill(T + 200);
    assertThat(take(bucket)).isEqualTo(1);
  }

  @Test
  void shouldHoldAtMostOneSecondWhenIdleLong() {
    TokenBucket bucket = new TokenBucket(5);
    bucket.refill(T);
    take(bucket);

    bucket.refill(T + 3_600_000);

    assertThat(take(bucket)).isEqualTo(5);
  }

  @Test
  void shouldEarnNothingWhenTimestampGoesBack() {
    TokenBucket bucket = new TokenBucket(10);
    bucket.refill(T);
    take(bucket);

    bucket.refill(T - 500);
    assertThat(take(bucket)).isZero();
    bucket.refill(T + 100);
    assertThat(take(bucket)).isEqualTo(1);
  }

  private static int take(TokenBucket bucket) {
    int taken = 0;
    while (bucket.hasToken()) {
      bucket.take();
      taken++;
    }
    return taken;
  }
}

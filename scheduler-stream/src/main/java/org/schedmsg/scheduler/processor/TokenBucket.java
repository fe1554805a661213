package org.schedmsg.scheduler.processor;

/**
 * A token bucket for one platform's release rate, driven only by the punctuation timestamps it is
 * given (never a clock of its own). It holds at most one second's worth of tokens, so after an idle
 * period at most {@code ratePerSecond} messages leave at once, and then {@code ratePerSecond} per
 * second. Integer arithmetic in thousandths of a token: the same timestamps give the same releases.
 */
final class TokenBucket {
  private static final long MILLI = 1000;

  private final long ratePerSecond;
  private final long capacityMillis;
  private long milliTokens;
  private long lastRefill = Long.MIN_VALUE;

  TokenBucket(int ratePerSecond) {
    if (ratePerSecond < 1) {
      throw new IllegalArgumentException("a release rate must be at least 1 per second");
    }
    this.ratePerSecond = ratePerSecond;
    this.capacityMillis = ratePerSecond * MILLI;
  }

  /** Adds the tokens earned since the last refill; the first refill fills the bucket. */
  void refill(long timestampMillis) {
    if (lastRefill == Long.MIN_VALUE) {
      milliTokens = capacityMillis;
    } else if (timestampMillis > lastRefill) {
      long elapsed = Math.min(timestampMillis - lastRefill, MILLI);
      milliTokens = Math.min(capacityMillis, milliTokens + elapsed * ratePerSecond);
    }
    lastRefill = Math.max(lastRefill, timestampMillis);
  }

  /** True when a whole token is available. */
  boolean hasToken() {
    return milliTokens >= MILLI;
  }

  /** Takes one token; call only after {@link #hasToken()}. */
  void take() {
    milliTokens -= MILLI;
  }
}

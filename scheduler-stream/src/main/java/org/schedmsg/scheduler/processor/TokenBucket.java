package org.schedmsg.scheduler.processor;

/**
 * A token bucket for one task's share of a platform's release rate, driven only by the punctuation
 * timestamps it is given (never a clock of its own). A task releases {@code ratePerSecond / shares}
 * per second, {@code shares} being the CDC topic's partitions (one task each), so the tasks keep
 * the rate in aggregate wherever they run ({@link TaskShare}). It holds at most one second's worth
 * of tokens (and at least one token), so after an idle period at most that many messages leave at
 * once. Integer arithmetic in units of 1/(1000 x shares) of a token: the same timestamps give the
 * same releases.
 */
final class TokenBucket {
  private static final long MILLI = 1000;

  private final long ratePerSecond;
  private final long token;
  private final long capacity;
  private long units;
  private long lastRefill = Long.MIN_VALUE;

  TokenBucket(int ratePerSecond) {
    this(ratePerSecond, 1);
  }

  /**
   * @param shares how many tasks share the rate (the CDC topic's partitions)
   */
  TokenBucket(int ratePerSecond, int shares) {
    if (ratePerSecond < 1) {
      throw new IllegalArgumentException("a release rate must be at least 1 per second");
    }
    if (shares < 1) {
      throw new IllegalArgumentException("a rate is shared by at least one task");
    }
    this.ratePerSecond = ratePerSecond;
    this.token = MILLI * shares;
    this.capacity = Math.max(ratePerSecond * MILLI, token);
  }

  /** Adds the tokens earned since the last refill; the first refill fills the bucket. */
  void refill(long timestampMillis) {
    if (lastRefill == Long.MIN_VALUE) {
      units = capacity;
    } else if (timestampMillis > lastRefill) {
      long elapsed = Math.min(timestampMillis - lastRefill, capacity / ratePerSecond);
      units = Math.min(capacity, units + elapsed * ratePerSecond);
    }
    lastRefill = Math.max(lastRefill, timestampMillis);
  }

  /** True when a whole token is available. */
  boolean hasToken() {
    return units >= token;
  }

  /** Takes one token; call only after {@link #hasToken()}. */
  void take() {
    units -= token;
  }
}

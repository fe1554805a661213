package org.schedmsg.sender.core.consume;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The wait between tries while a dependency (PostgreSQL, Kafka) is down: capped exponential, {@code
 * initial * 2^(failures-1)} up to {@code max}. {@link #stop()} ends every wait at once, so a
 * shutdown never waits out a backoff.
 */
public final class OutagePause {
  public static final Duration DEFAULT_INITIAL = Duration.ofMillis(200);
  public static final Duration DEFAULT_MAX = Duration.ofSeconds(10);

  private final Duration initial;
  private final Duration max;
  private final CountDownLatch stopped = new CountDownLatch(1);

  public OutagePause(Duration initial, Duration max) {
    this.initial = Objects.requireNonNull(initial, "initial");
    this.max = Objects.requireNonNull(max, "max");
  }

  public static OutagePause withDefaults() {
    return new OutagePause(DEFAULT_INITIAL, DEFAULT_MAX);
  }

  /** The wait after {@code failures} consecutive failures (1 for the first). */
  public Duration delay(int failures) {
    int doublings = Math.min(Math.max(failures, 1) - 1, 30);
    long millis = initial.toMillis() << doublings;
    return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
  }

  /**
   * Waits {@link #delay(int)}. False when the pause was stopped or the thread interrupted (the
   * interrupt flag is then set again): the caller should give up instead of trying again.
   */
  public boolean await(int failures) {
    try {
      return !stopped.await(delay(failures).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Ends current and future waits. */
  public void stop() {
    stopped.countDown();
  }

  public boolean isStopped() {
    return stopped.getCount() == 0;
  }
}

package org.schedmsg.scheduler;

import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Time;

/**
 * Kafka Streams' {@link Time} read from a {@link Clock}: wall-clock milliseconds (what the
 * punctuator's timestamps and the release instants come from) follow the clock; the monotonic
 * nanoseconds stay the JVM's. The clock is the system clock in production; the fault suite starts
 * the scheduler with one ahead of the database's.
 */
final class ClockTime implements Time {
  private final Clock clock;

  private ClockTime(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** {@link Time#SYSTEM} for the system clock, else a time read from {@code clock}. */
  static Time of(Clock clock) {
    return clock.equals(Clock.systemUTC()) ? Time.SYSTEM : new ClockTime(clock);
  }

  @Override
  public long milliseconds() {
    return clock.millis();
  }

  @Override
  public long nanoseconds() {
    return System.nanoTime();
  }

  @Override
  public void sleep(long ms) {
    Time.SYSTEM.sleep(ms);
  }

  @Override
  public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs)
      throws InterruptedException {
    synchronized (obj) {
      while (!condition.get()) {
        long now = milliseconds();
        if (now >= deadlineMs) {
          throw new TimeoutException("condition not satisfied before the deadline");
        }
        obj.wait(deadlineMs - now);
      }
    }
  }
}

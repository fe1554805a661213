package org.schedmsg.scheduler.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.scheduler.processor.RejectionReasons;

/**
 * The scheduler's meters, shared by all stream tasks of one instance (names and tags in the module
 * README). Pending counts are maintained incrementally by the processors: each adds what it indexes
 * and subtracts what it removes, and subtracts its whole share when its task closes.
 */
public final class SchedulerMetrics {
  public static final String PENDING = "schedmsg.scheduler.pending";
  public static final String RELEASED = "schedmsg.scheduler.released";
  public static final String REJECTED = "schedmsg.scheduler.rejected";
  public static final String LATENESS = "schedmsg.scheduler.release.lateness";
  public static final String SCANNED = "schedmsg.scheduler.index.scanned";
  public static final String PUNCTUATIONS = "schedmsg.scheduler.punctuations";
  public static final String TAG_PLATFORM = "platform";
  public static final String TAG_PRIORITY = "priority";
  public static final String TAG_REASON = "reason";

  private final MeterRegistry registry;
  private final Map<Platform, AtomicLong[]> pending = new EnumMap<>(Platform.class);
  private final Map<Platform, Counter> released = new EnumMap<>(Platform.class);
  private final Map<Platform, Timer> lateness = new EnumMap<>(Platform.class);
  private final Counter scanned;
  private final Counter punctuations;

  public SchedulerMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    for (Platform platform : Platform.values()) {
      registerPending(platform);
      released.put(platform, registry.counter(RELEASED, TAG_PLATFORM, platform.id()));
      lateness.put(
          platform,
          Timer.builder(LATENESS)
              .description("release instant minus due instant")
              .tag(TAG_PLATFORM, platform.id())
              .publishPercentileHistogram()
              .register(registry));
    }
    // every platform and reason class from the start: an alert on increase() would miss the
    // first rejection after a restart if the series were born with it
    for (Platform platform : Platform.values()) {
      for (String reason : RejectionReasons.ALL) {
        registry.counter(REJECTED, TAG_PLATFORM, platform.id(), TAG_REASON, reason);
      }
    }
    scanned =
        Counter.builder(SCANNED)
            .description("due-index entries visited by the punctuator (its work)")
            .register(registry);
    punctuations = registry.counter(PUNCTUATIONS);
  }

  private void registerPending(Platform platform) {
    AtomicLong[] byPriority = new AtomicLong[ScheduledMessage.LOWEST_PRIORITY + 1];
    for (int p = ScheduledMessage.HIGHEST_PRIORITY; p <= ScheduledMessage.LOWEST_PRIORITY; p++) {
      AtomicLong count = new AtomicLong();
      byPriority[p] = count;
      Gauge.builder(PENDING, count, AtomicLong::get)
          .description("messages waiting in the index (including released ones within a lease)")
          .tag(TAG_PLATFORM, platform.id())
          .tag(TAG_PRIORITY, Integer.toString(p))
          .register(registry);
    }
    pending.put(platform, byPriority);
  }

  /** Adds {@code delta} to the pending count of {@code platform} and (clamped) {@code priority}. */
  public void pendingChanged(Platform platform, int priority, long delta) {
    int p =
        Math.min(
            ScheduledMessage.LOWEST_PRIORITY,
            Math.max(ScheduledMessage.HIGHEST_PRIORITY, priority));
    pending.get(platform)[p].addAndGet(delta);
  }

  public void released(Platform platform, Duration late) {
    released.get(platform).increment();
    lateness.get(platform).record(late.isNegative() ? Duration.ZERO : late);
  }

  public void rejected(Platform platform, String reason) {
    registry
        .counter(
            REJECTED, TAG_PLATFORM, platform.id(), TAG_REASON, RejectionReasons.reasonClass(reason))
        .increment();
  }

  /** One punctuation visited {@code entries} due-index entries. */
  public void punctuated(int entries) {
    punctuations.increment();
    scanned.increment(entries);
  }
}

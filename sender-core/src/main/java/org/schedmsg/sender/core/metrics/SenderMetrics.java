package org.schedmsg.sender.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.schedmsg.sender.core.client.SendResult;

/**
 * The sender's meters (all tagged {@code platform}):
 *
 * <ul>
 *   <li>{@value #SENDS} counter, tags {@code outcome} (what was written to the row) and {@code
 *       error_class} ({@code none}, {@code retryable}, {@code permanent}, {@code ambiguous}, {@code
 *       rate_limited}, {@code fatal});
 *   <li>{@value #LATENCY} timer of platform calls, tag {@code error_class};
 *   <li>{@value #RATE_LIMIT_PAUSES} counter, tag {@code scope} ({@code platform}, {@code
 *       recipient});
 *   <li>{@value #CLAIM_CONFLICTS} counter: claims that changed no row (replays, duplicates,
 *       cancellations), skipped;
 *   <li>{@value #REJECTIONS} counter, tag {@code applied} (true: the row was failed; false: stale);
 *   <li>{@value #HEALTHY} gauge: 1 while the platform accepts our credentials, 0 after a fatal
 *       answer.
 * </ul>
 */
public final class SenderMetrics {
  public static final String SENDS = "schedmsg.sender.sends";
  public static final String LATENCY = "schedmsg.sender.send.latency";
  public static final String RATE_LIMIT_PAUSES = "schedmsg.sender.rate_limit.pauses";
  public static final String CLAIM_CONFLICTS = "schedmsg.sender.claim.conflicts";
  public static final String REJECTIONS = "schedmsg.sender.rejections";
  public static final String HEALTHY = "schedmsg.sender.healthy";

  private final MeterRegistry registry;
  private final String platform;

  public SenderMetrics(MeterRegistry registry, String platform) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.platform = Objects.requireNonNull(platform, "platform");
    registerAtZero();
  }

  /** Series a dashboard alerts on exist from the start, at zero, not only after the first event. */
  private void registerAtZero() {
    for (SendResult.Scope scope : SendResult.Scope.values()) {
      Counter.builder(RATE_LIMIT_PAUSES)
          .tags("platform", platform, "scope", scope.name().toLowerCase(java.util.Locale.ROOT))
          .register(registry);
    }
    Counter.builder(CLAIM_CONFLICTS).tags("platform", platform).register(registry);
  }

  public void send(SendResult result, String outcome, Duration latency) {
    Counter.builder(SENDS)
        .tags("platform", platform, "outcome", outcome, "error_class", result.errorClass())
        .register(registry)
        .increment();
    Timer.builder(LATENCY)
        .tags("platform", platform, "error_class", result.errorClass())
        .register(registry)
        .record(latency);
  }

  public void rateLimitPause(SendResult.Scope scope) {
    Counter.builder(RATE_LIMIT_PAUSES)
        .tags("platform", platform, "scope", scope.name().toLowerCase(java.util.Locale.ROOT))
        .register(registry)
        .increment();
  }

  public void claimConflict() {
    Counter.builder(CLAIM_CONFLICTS).tags("platform", platform).register(registry).increment();
  }

  public void rejection(boolean applied) {
    Counter.builder(REJECTIONS)
        .tags("platform", platform, "applied", String.valueOf(applied))
        .register(registry)
        .increment();
  }

  /** Registers the health gauge over {@code healthy} (held strongly: it is often a lambda). */
  public void healthGauge(BooleanSupplier healthy) {
    Gauge.builder(HEALTHY, healthy, h -> h.getAsBoolean() ? 1 : 0)
        .tags("platform", platform)
        .strongReference(true)
        .register(registry);
  }
}

package org.schedmsg.sender.core.consume;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.sender.core.client.PlatformClient;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.core.metrics.SenderMetrics;
import org.schedmsg.sender.core.throttle.PlatformGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 3 of a delivery: one platform call with what was claimed, and the platform's answer fed to
 * the {@link PlatformGate} (pauses, health). A client that throws is a bug; its call counts as
 * {@code Retryable("client_error:<class>")}.
 */
final class PlatformCall {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);

  /** The answer, how long it took and when it came. */
  record Answer(SendResult result, Duration latency, Instant at) {}

  private final Platform platform;
  private final PlatformClient client;
  private final PlatformGate gate;
  private final SenderMetrics metrics;
  private final Clock clock;

  PlatformCall(
      Platform platform,
      PlatformClient client,
      PlatformGate gate,
      SenderMetrics metrics,
      Clock clock) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.client = Objects.requireNonNull(client, "client");
    this.gate = Objects.requireNonNull(gate, "gate");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Calls the platform with {@code claimed}; {@code beforeCall} runs just before the call. */
  Answer send(DeliveryRequest claimed, Runnable beforeCall) {
    Instant start = clock.instant();
    beforeCall.run();
    SendResult result = callClient(claimed);
    Instant answered = clock.instant();
    Duration pause = gate.onResult(result, claimed.recipientId(), answered);
    if (result instanceof SendResult.RateLimited limited && !pause.isZero()) {
      metrics.rateLimitPause(limited.scope());
    }
    return new Answer(result, Duration.between(start, answered), answered);
  }

  private SendResult callClient(DeliveryRequest claimed) {
    try {
      return client.send(claimed);
    } catch (RuntimeException e) {
      LOG.error(
          "delivery messageId={} platform={}: the platform client failed unexpectedly ({});"
              + " recording a retryable outcome",
          claimed.messageId(),
          platform.id(),
          e.getClass().getName());
      return new SendResult.Retryable("client_error:" + e.getClass().getSimpleName());
    }
  }
}

package org.schedmsg.sender.core.consume;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.sender.core.client.PlatformClient;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.core.metrics.SenderMetrics;
import org.schedmsg.sender.core.retry.Decision;
import org.schedmsg.sender.core.retry.RetryPolicy;
import org.schedmsg.sender.core.status.MessageStatusRepository;
import org.schedmsg.sender.core.status.StatusStoreException;
import org.schedmsg.sender.core.throttle.PlatformGate;
import org.schedmsg.sender.core.throttle.SendPacer;
import org.schedmsg.sender.core.throttle.Sleeper;
import org.schedmsg.sender.core.throttle.ThrottleSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one released message: expire it, hold it while the platform (or its recipient) is
 * paused, or claim it, wait for the rate limits, call the platform and record the outcome chosen by
 * the {@link RetryPolicy}. Logs message id, platform, attempt, outcome, reason and latency; never
 * text, parameters or recipient.
 *
 * <p>A {@link StatusStoreException} before the platform call propagates (nothing was sent, the
 * caller retries the record). After the call the outcome is written again and again, pausing
 * between tries, so that a database outage never turns a sent message into a second send.
 */
public final class DeliveryProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);

  /** No rate limits to speak of: for tests that are not about them. */
  static final ThrottleSettings UNTHROTTLED =
      new ThrottleSettings(
          Integer.MAX_VALUE,
          Duration.ZERO,
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          Duration.ofSeconds(30));

  private final Platform platform;
  private final MessageStatusRepository repository;
  private final PlatformClient client;
  private final RetryPolicy policy;
  private final Clock clock;
  private final OutagePause outagePause;
  private final PlatformGate gate;
  private final SendPacer pacer;
  private final SenderMetrics metrics;
  private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);

  /** A processor without rate limits and with metrics kept in memory. */
  public DeliveryProcessor(
      Platform platform,
      MessageStatusRepository repository,
      PlatformClient client,
      RetryPolicy policy,
      Clock clock,
      OutagePause outagePause) {
    this(
        platform,
        repository,
        client,
        policy,
        clock,
        outagePause,
        new PlatformGate(platform.id(), UNTHROTTLED),
        new SendPacer(UNTHROTTLED, clock, Sleeper.SYSTEM),
        new SenderMetrics(new SimpleMeterRegistry(), platform.id()));
  }

  public DeliveryProcessor(
      Platform platform,
      MessageStatusRepository repository,
      PlatformClient client,
      RetryPolicy policy,
      Clock clock,
      OutagePause outagePause,
      PlatformGate gate,
      SendPacer pacer,
      SenderMetrics metrics) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.client = Objects.requireNonNull(client, "client");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.outagePause = Objects.requireNonNull(outagePause, "outagePause");
    this.gate = Objects.requireNonNull(gate, "gate");
    this.pacer = Objects.requireNonNull(pacer, "pacer");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    for (Outcome outcome : Outcome.values()) {
      counts.put(outcome, new LongAdder());
    }
  }

  /** Processes {@code request}; see the class comment for what may be thrown. */
  public Outcome process(DeliveryRequest request) {
    Objects.requireNonNull(request, "request");
    if (request.messageId() == null
        || request.scheduledTime() == null
        || request.platform() != platform) {
      LOG.warn(
          "delivery messageId={} platform={} outcome={}: not a valid {} request; skipped",
          request.messageId(),
          request.platform(),
          Outcome.INVALID,
          platform.id());
      return counted(Outcome.INVALID);
    }
    Instant now = clock.instant();
    if (policy.isExpired(request, now)) {
      return counted(expire(request, now));
    }
    PlatformGate.Hold hold = gate.holdFor(request.recipientId(), now);
    if (hold != PlatformGate.Hold.NONE) {
      return counted(held(request, hold));
    }
    if (!repository.claim(request, now)) {
      metrics.claimConflict();
      LOG.info(
          "delivery messageId={} platform={} attempt={} outcome={}: already claimed, no"
              + " longer pending or rescheduled",
          request.messageId(),
          platform.id(),
          request.attempts() + 1,
          Outcome.SKIPPED);
      return counted(Outcome.SKIPPED);
    }
    return counted(sendClaimed(request, request.attempts() + 1));
  }

  /** How many records ended with {@code outcome} since start. */
  public long count(Outcome outcome) {
    return counts.get(outcome).sum();
  }

  /** The platform's pause and health state. */
  public PlatformGate gate() {
    return gate;
  }

  /** True while no platform-wide pause is in force. */
  public boolean isPlatformOpen() {
    return !gate.isPlatformPaused(clock.instant());
  }

  private Outcome held(DeliveryRequest request, PlatformGate.Hold hold) {
    Outcome outcome = hold == PlatformGate.Hold.PLATFORM ? Outcome.HELD : Outcome.DEFERRED;
    LOG.debug(
        "delivery messageId={} platform={} outcome={}: {} paused; not claimed",
        request.messageId(),
        platform.id(),
        outcome,
        hold == PlatformGate.Hold.PLATFORM ? "platform" : "recipient");
    return outcome;
  }

  private Outcome expire(DeliveryRequest request, Instant now) {
    Outcome outcome = repository.expire(request, now) ? Outcome.EXPIRED : Outcome.SKIPPED;
    LOG.info(
        "delivery messageId={} platform={} attempt={} outcome={} reason={}",
        request.messageId(),
        platform.id(),
        request.attempts(),
        outcome,
        RetryPolicy.DELIVERY_WINDOW_EXPIRED);
    return outcome;
  }

  private Outcome sendClaimed(DeliveryRequest request, int attempt) {
    try {
      pacer.acquire(request.recipientId() == null ? "" : request.recipientId());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return record(request, attempt, new Decision.ReleaseClaim("shutdown"), Outcome.HELD);
    }
    Instant start = clock.instant();
    SendResult result = callPlatform(request);
    Duration latency = Duration.between(start, clock.instant());
    Duration pause = gate.onResult(result, request.recipientId(), clock.instant());
    if (result instanceof SendResult.RateLimited limited && !pause.isZero()) {
      metrics.rateLimitPause(limited.scope());
    }
    Decision decision = policy.decide(result, attempt, request);
    Outcome outcome =
        record(request, attempt, decision, DeliveryLog.intendedOutcome(decision, result));
    metrics.send(result, outcome.name().toLowerCase(java.util.Locale.ROOT), latency);
    DeliveryLog.result(platform, request, attempt, outcome, decision, result, latency);
    return outcome;
  }

  private SendResult callPlatform(DeliveryRequest request) {
    try {
      return client.send(request);
    } catch (RuntimeException e) {
      LOG.error(
          "delivery messageId={} platform={}: the platform client failed unexpectedly ({});"
              + " recording a retryable outcome",
          request.messageId(),
          platform.id(),
          e.getClass().getName());
      return new SendResult.Retryable("client_error:" + e.getClass().getSimpleName());
    }
  }

  /** Writes {@code decision}, retrying through database outages until written or stopped. */
  private Outcome record(
      DeliveryRequest request, int attempt, Decision decision, Outcome intended) {
    for (int failures = 1; ; failures++) {
      try {
        return apply(request, attempt, decision) ? intended : Outcome.CONFLICT;
      } catch (StatusStoreException e) {
        LOG.warn(
            "delivery messageId={} platform={} attempt={}: recording {} failed; retrying"
                + " after {} ms",
            request.messageId(),
            platform.id(),
            attempt,
            intended,
            outagePause.delay(failures).toMillis(),
            e);
        if (!outagePause.await(failures)) {
          throw new OutcomeNotRecordedException(request.messageId(), intended, e);
        }
      }
    }
  }

  private boolean apply(DeliveryRequest request, int attempt, Decision decision) {
    Instant now = clock.instant();
    if (decision instanceof Decision.MarkSent sent) {
      return repository.markSent(request, attempt, sent.platformMessageId(), now);
    }
    if (decision instanceof Decision.MarkFailed failed) {
      return repository.markFailed(request, attempt, failed.reason(), now);
    }
    if (decision instanceof Decision.ReleaseClaim release) {
      return repository.releaseClaim(request, attempt, release.reason(), now);
    }
    Decision.KeepPending pending = (Decision.KeepPending) decision;
    return repository.markRetryable(request, attempt, pending.reason(), now);
  }

  private Outcome counted(Outcome outcome) {
    counts.get(outcome).increment();
    return outcome;
  }
}

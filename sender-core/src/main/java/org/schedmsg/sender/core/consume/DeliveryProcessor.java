package org.schedmsg.sender.core.consume;

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
import org.schedmsg.sender.core.retry.Decision;
import org.schedmsg.sender.core.retry.RetryPolicy;
import org.schedmsg.sender.core.status.MessageStatusRepository;
import org.schedmsg.sender.core.status.StatusStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one released message: expire it, or claim it, call the platform and record the outcome
 * chosen by the {@link RetryPolicy}. Logs message id, platform, attempt, outcome, reason and
 * latency; never text, parameters or recipient.
 *
 * <p>A {@link StatusStoreException} before the platform call propagates (nothing was sent, the
 * caller retries the record). After the call the outcome is written again and again, pausing
 * between tries, so that a database outage never turns a sent message into a second send.
 */
public final class DeliveryProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);

  private final Platform platform;
  private final MessageStatusRepository repository;
  private final PlatformClient client;
  private final RetryPolicy policy;
  private final Clock clock;
  private final OutagePause outagePause;
  private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);

  public DeliveryProcessor(
      Platform platform,
      MessageStatusRepository repository,
      PlatformClient client,
      RetryPolicy policy,
      Clock clock,
      OutagePause outagePause) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.client = Objects.requireNonNull(client, "client");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.outagePause = Objects.requireNonNull(outagePause, "outagePause");
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
      Outcome outcome = repository.expire(request, now) ? Outcome.EXPIRED : Outcome.SKIPPED;
      LOG.info(
          "delivery messageId={} platform={} attempt={} outcome={} reason={}",
          request.messageId(),
          platform.id(),
          request.attempts(),
          outcome,
          RetryPolicy.DELIVERY_WINDOW_EXPIRED);
      return counted(outcome);
    }
    if (!repository.claim(request, now)) {
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

  private Outcome sendClaimed(DeliveryRequest request, int attempt) {
    Instant start = clock.instant();
    SendResult result = callPlatform(request);
    Duration latency = Duration.between(start, clock.instant());
    Decision decision = policy.decide(result, attempt);
    Outcome outcome = record(request, attempt, decision);
    if (outcome == Outcome.CONFLICT) {
      LOG.warn(
          "delivery messageId={} platform={} attempt={} outcome={} result={} latencyMs={}:"
              + " the row changed during the send (cancelled?); the result was not recorded",
          request.messageId(),
          platform.id(),
          attempt,
          outcome,
          intendedOutcome(decision),
          latency.toMillis());
    } else {
      LOG.info(
          "delivery messageId={} platform={} attempt={} outcome={} reason={} latencyMs={}",
          request.messageId(),
          platform.id(),
          attempt,
          outcome,
          reasonOf(decision),
          latency.toMillis());
    }
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
  private Outcome record(DeliveryRequest request, int attempt, Decision decision) {
    Outcome intended = intendedOutcome(decision);
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
    Decision.KeepPending pending = (Decision.KeepPending) decision;
    return repository.markRetryable(request, attempt, pending.reason(), now);
  }

  private static Outcome intendedOutcome(Decision decision) {
    if (decision instanceof Decision.MarkSent) {
      return Outcome.SENT;
    }
    return decision instanceof Decision.MarkFailed ? Outcome.FAILED : Outcome.RETRY_LATER;
  }

  private static String reasonOf(Decision decision) {
    if (decision instanceof Decision.MarkFailed failed) {
      return failed.reason();
    }
    if (decision instanceof Decision.KeepPending pending) {
      return pending.retryAfter() == null
          ? pending.reason()
          : pending.reason() + " (retry after " + pending.retryAfter() + ")";
    }
    return "-";
  }

  private Outcome counted(Outcome outcome) {
    counts.get(outcome).increment();
    return outcome;
  }
}

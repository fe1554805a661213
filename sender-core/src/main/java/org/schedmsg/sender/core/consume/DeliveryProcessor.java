package org.schedmsg.sender.core.consume;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.sender.core.client.PlatformClient;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.core.metrics.SenderMetrics;
import org.schedmsg.sender.core.retry.Decision;
import org.schedmsg.sender.core.retry.RetryPolicy;
import org.schedmsg.sender.core.status.MessageStatusRepository;
import org.schedmsg.sender.core.status.StatusStoreException;
import org.schedmsg.sender.core.status.StatusWrite;
import org.schedmsg.sender.core.throttle.PlatformGate;
import org.schedmsg.sender.core.throttle.SendPacer;
import org.schedmsg.sender.core.throttle.Sleeper;
import org.schedmsg.sender.core.throttle.ThrottleSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers released messages, one poll's batch at a time ({@link #processBatch}): each message is
 * expired, held while the platform (or its recipient) is paused, or claimed, all claims in one
 * transaction; the claimed ones are sent in batch order through the rate limits, up to {@code
 * sendConcurrency} platform calls at once, and their outcomes, chosen by the {@link RetryPolicy},
 * are written in one transaction. Logs message id, platform, attempt, outcome, reason and latency;
 * never text, parameters or recipient.
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
  private final int sendConcurrency;
  private ExecutorService sendPool;

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
    this(platform, repository, client, policy, clock, outagePause, gate, pacer, metrics, 1);
  }

  /**
   * @param sendConcurrency how many platform calls of one batch may be in flight at once (1: one
   *     after the other, on the caller's thread)
   */
  public DeliveryProcessor(
      Platform platform,
      MessageStatusRepository repository,
      PlatformClient client,
      RetryPolicy policy,
      Clock clock,
      OutagePause outagePause,
      PlatformGate gate,
      SendPacer pacer,
      SenderMetrics metrics,
      int sendConcurrency) {
    if (sendConcurrency < 1) {
      throw new IllegalArgumentException("sendConcurrency must be at least 1");
    }
    this.sendConcurrency = sendConcurrency;
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
    return processBatch(List.of(request), () -> false).get(0);
  }

  /**
   * Processes a batch of released records: checks each (invalid, expired, held), claims the rest in
   * one transaction, calls the platform for the claimed ones ({@code sendConcurrency} at a time, in
   * batch order, each through the pacer), and records every outcome in one transaction. Element
   * {@code i} of the result is the outcome of {@code requests.get(i)}.
   *
   * <p>Every send follows a committed claim, so a message is never sent twice, whatever the batch
   * holds (duplicates of one message: the first claims, the rest are {@link Outcome#SKIPPED}). Once
   * {@code stopping} is true no further platform call starts: the remaining claims are given back
   * ({@link Outcome#HELD}). A {@link StatusStoreException} from an expiry or the claim propagates
   * before anything is sent; after the sends, outcomes that cannot be written as a batch are
   * written one by one through outages (see the class comment).
   */
  public List<Outcome> processBatch(List<DeliveryRequest> requests, BooleanSupplier stopping) {
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(stopping, "stopping");
    Outcome[] outcomes = new Outcome[requests.size()];
    List<Integer> candidates = new ArrayList<>(requests.size());
    Instant now = clock.instant();
    for (int i = 0; i < requests.size(); i++) {
      Outcome checked = check(requests.get(i), now);
      if (checked == null) {
        candidates.add(i);
      } else {
        outcomes[i] = checked;
      }
    }
    List<Integer> claimed = claimAll(requests, candidates, outcomes, now);
    List<Attempt> attempts = sendAll(requests, claimed, stopping);
    recordAll(attempts, outcomes, claimed);
    List<Outcome> result = new ArrayList<>(outcomes.length);
    for (Outcome outcome : outcomes) {
      result.add(counted(outcome));
    }
    return result;
  }

  /** The outcome of a record that is not to be claimed, or null when it is. */
  private Outcome check(DeliveryRequest request, Instant now) {
    if (request.messageId() == null
        || request.scheduledTime() == null
        || request.platform() != platform) {
      LOG.warn(
          "delivery messageId={} platform={} outcome={}: not a valid {} request; skipped",
          request.messageId(),
          request.platform(),
          Outcome.INVALID,
          platform.id());
      return Outcome.INVALID;
    }
    if (policy.isExpired(request, now)) {
      return expire(request, now);
    }
    PlatformGate.Hold hold = gate.holdFor(request.recipientId(), now);
    return hold == PlatformGate.Hold.NONE ? null : held(request, hold);
  }

  /** Claims the candidates in one transaction; returns the indexes claimed, marks the rest. */
  private List<Integer> claimAll(
      List<DeliveryRequest> requests, List<Integer> candidates, Outcome[] outcomes, Instant now) {
    if (candidates.isEmpty()) {
      return List.of();
    }
    List<DeliveryRequest> toClaim = new ArrayList<>(candidates.size());
    for (int i : candidates) {
      toClaim.add(requests.get(i));
    }
    List<Boolean> won = repository.claimAll(toClaim, now);
    List<Integer> claimed = new ArrayList<>(candidates.size());
    for (int k = 0; k < candidates.size(); k++) {
      int i = candidates.get(k);
      if (won.get(k)) {
        claimed.add(i);
      } else {
        metrics.claimConflict();
        LOG.info(
            "delivery messageId={} platform={} attempt={} outcome={}: already claimed, no"
                + " longer pending or rescheduled",
            requests.get(i).messageId(),
            platform.id(),
            requests.get(i).attempts() + 1,
            Outcome.SKIPPED);
        outcomes[i] = Outcome.SKIPPED;
      }
    }
    return claimed;
  }

  /** What one platform call (or the decision not to make it) came to, not yet recorded. */
  private record Attempt(
      DeliveryRequest request,
      int attempt,
      Decision decision,
      Outcome intended,
      SendResult result,
      Duration latency,
      Instant at) {}

  /**
   * Sends the claimed requests. This thread dispatches them in batch (= priority) order: checks the
   * pause and stop state, waits for the pacer, then starts the platform call, which runs on one of
   * {@code sendConcurrency} threads (or here, when that is 1). So the calls start in priority order
   * and within the rates; only their answers overlap.
   */
  private List<Attempt> sendAll(
      List<DeliveryRequest> requests, List<Integer> claimed, BooleanSupplier stopping) {
    List<Future<Attempt>> inFlight = new ArrayList<>(claimed.size());
    boolean interrupted = false;
    for (int i : claimed) {
      DeliveryRequest request = requests.get(i);
      int attempt = request.attempts() + 1;
      Attempt notSent = interrupted ? notSent(request, attempt, "shutdown", Outcome.HELD) : null;
      if (notSent == null) {
        notSent = holdBeforeSend(request, attempt, stopping);
      }
      if (notSent == null) {
        try {
          pacer.acquire(request.recipientId() == null ? "" : request.recipientId());
        } catch (InterruptedException e) {
          interrupted = true;
          notSent = notSent(request, attempt, "shutdown", Outcome.HELD);
        }
      }
      if (notSent != null) {
        inFlight.add(CompletableFuture.completedFuture(notSent));
      } else if (sendConcurrency == 1) {
        inFlight.add(CompletableFuture.completedFuture(call(request, attempt)));
      } else {
        inFlight.add(sendPool().submit(() -> call(request, attempt)));
      }
    }
    List<Attempt> attempts = new ArrayList<>(claimed.size());
    for (Future<Attempt> future : inFlight) {
      attempts.add(awaitSent(future));
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return attempts;
  }

  /**
   * Waits for one send. Sends are never cancelled: each ends with a decision to record (a cancelled
   * send could have reached the platform unrecorded). An interrupt of the waiting thread is kept
   * for later.
   */
  private static Attempt awaitSent(Future<Attempt> future) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw new IllegalStateException("a send failed unexpectedly", e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private synchronized ExecutorService sendPool() {
    if (sendPool == null) {
      AtomicInteger n = new AtomicInteger();
      sendPool =
          Executors.newFixedThreadPool(
              sendConcurrency,
              r -> {
                Thread t =
                    new Thread(r, "sender-" + platform.id() + "-send-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
    return sendPool;
  }

  /** Stops the send threads; call after the last batch. */
  public synchronized void close() {
    if (sendPool != null) {
      sendPool.shutdownNow();
    }
  }

  /** Records every attempt in one transaction; one by one, through outages, if that fails. */
  private void recordAll(List<Attempt> attempts, Outcome[] outcomes, List<Integer> claimed) {
    if (attempts.isEmpty()) {
      return;
    }
    List<StatusWrite> writes = new ArrayList<>(attempts.size());
    for (Attempt a : attempts) {
      writes.add(write(a.request(), a.attempt(), a.decision(), a.at()));
    }
    List<Boolean> changed = null;
    try {
      changed = repository.applyAll(writes);
    } catch (StatusStoreException e) {
      LOG.warn(
          "recording {} outcomes as one batch failed; recording them one by one", writes.size(), e);
    }
    for (int k = 0; k < attempts.size(); k++) {
      Attempt a = attempts.get(k);
      Outcome outcome =
          changed != null
              ? (changed.get(k) ? a.intended() : Outcome.CONFLICT)
              : record(writes.get(k), a.intended());
      outcomes[claimed.get(k)] = outcome;
      if (a.result() != null) {
        metrics.send(a.result(), outcome.name().toLowerCase(Locale.ROOT), a.latency());
        DeliveryLog.result(
            platform, a.request(), a.attempt(), outcome, a.decision(), a.result(), a.latency());
      }
    }
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

  /**
   * The claim to give back instead of sending, when the batch is stopping or the platform (or this
   * recipient) was paused after the batch was checked; null when the send may go ahead.
   */
  private Attempt holdBeforeSend(DeliveryRequest request, int attempt, BooleanSupplier stopping) {
    if (stopping.getAsBoolean()) {
      return notSent(request, attempt, "shutdown", Outcome.HELD);
    }
    PlatformGate.Hold hold = gate.holdFor(request.recipientId(), clock.instant());
    if (hold == PlatformGate.Hold.PLATFORM) {
      return notSent(request, attempt, "platform_paused", Outcome.HELD);
    }
    if (hold == PlatformGate.Hold.RECIPIENT) {
      return notSent(request, attempt, "recipient_paused", Outcome.DEFERRED);
    }
    return null;
  }

  /** One platform call for a claimed, paced request, and the decision on its result. */
  private Attempt call(DeliveryRequest request, int attempt) {
    Instant start = clock.instant();
    SendResult result = callPlatform(request);
    Instant answered = clock.instant();
    Duration latency = Duration.between(start, answered);
    Duration pause = gate.onResult(result, request.recipientId(), answered);
    if (result instanceof SendResult.RateLimited limited && !pause.isZero()) {
      metrics.rateLimitPause(limited.scope());
    }
    Decision decision = policy.decide(result, attempt, request);
    return new Attempt(
        request,
        attempt,
        decision,
        DeliveryLog.intendedOutcome(decision, result),
        result,
        latency,
        answered);
  }

  private Attempt notSent(DeliveryRequest request, int attempt, String reason, Outcome outcome) {
    return new Attempt(
        request,
        attempt,
        new Decision.ReleaseClaim(reason),
        outcome,
        null,
        Duration.ZERO,
        clock.instant());
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

  /** Writes {@code write}, retrying through database outages until written or stopped. */
  private Outcome record(StatusWrite write, Outcome intended) {
    DeliveryRequest request = write.request();
    int attempt = write.claimedAttempts();
    for (int failures = 1; ; failures++) {
      try {
        return repository.apply(write) ? intended : Outcome.CONFLICT;
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

  /** The status write {@code decision} stands for. */
  private static StatusWrite write(
      DeliveryRequest request, int attempt, Decision decision, Instant at) {
    if (decision instanceof Decision.MarkSent sent) {
      return new StatusWrite(StatusWrite.Kind.SENT, request, attempt, sent.platformMessageId(), at);
    }
    if (decision instanceof Decision.MarkFailed failed) {
      return new StatusWrite(StatusWrite.Kind.FAILED, request, attempt, failed.reason(), at);
    }
    if (decision instanceof Decision.ReleaseClaim release) {
      return new StatusWrite(
          StatusWrite.Kind.RELEASE_CLAIM, request, attempt, release.reason(), at);
    }
    Decision.KeepPending pending = (Decision.KeepPending) decision;
    return new StatusWrite(StatusWrite.Kind.RETRYABLE, request, attempt, pending.reason(), at);
  }

  private Outcome counted(Outcome outcome) {
    counts.get(outcome).increment();
    return outcome;
  }
}

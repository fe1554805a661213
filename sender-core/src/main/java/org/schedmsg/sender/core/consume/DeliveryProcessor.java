package org.schedmsg.sender.core.consume;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
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
import java.util.function.Supplier;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.sender.core.client.PlatformClient;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.core.metrics.SenderMetrics;
import org.schedmsg.sender.core.retry.Decision;
import org.schedmsg.sender.core.retry.RetryPolicy;
import org.schedmsg.sender.core.status.Claim;
import org.schedmsg.sender.core.status.MessageStatusRepository;
import org.schedmsg.sender.core.status.StatusStoreException;
import org.schedmsg.sender.core.throttle.PlatformGate;
import org.schedmsg.sender.core.throttle.RateShare;
import org.schedmsg.sender.core.throttle.SendPacer;
import org.schedmsg.sender.core.throttle.Sleeper;
import org.schedmsg.sender.core.throttle.ThrottleSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers released messages. Each message goes one straight line, {@link #deliver}: check ({@link
 * ReleaseCheck}), pace ({@link SendPacer}), claim ({@link Claimer}), send ({@link PlatformCall}),
 * decide ({@link RetryPolicy}), record ({@link OutcomeRecorder}). What is sent is the row as the
 * claim read it, and the outcome is recorded as soon as the answer is in, so a crash loses at most
 * the sends in flight ({@code sendConcurrency}).
 *
 * <p>{@link #processBatch} dispatches a poll's records in order (= priority order): the pacing
 * happens on the caller's thread, so sends start in order and within the rates; the claim, the call
 * and the record run on one of {@code sendConcurrency} threads (or on the caller's, for 1). Logs
 * message id, platform, attempt, outcome, reason and latency; never text, parameters or recipient.
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

  /** The claim lease of a processor built without one: longer than any test's platform call. */
  static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);

  /** The reason an attempt whose lease ran out without an outcome is recorded with. */
  public static final String CLAIM_LEASE_EXPIRED = "claim_lease_expired";

  private final Platform platform;
  private final RetryPolicy policy;
  private final Clock clock;
  private final PlatformGate gate;
  private final SendPacer pacer;
  private final SendPacer callPacer;
  private final SenderMetrics metrics;
  private final ReleaseCheck check;
  private final Claimer claimer;
  private final PlatformCall call;
  private final OutcomeRecorder recorder;
  private final MessageStatusRepository repository;
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
    this(
        platform,
        repository,
        client,
        policy,
        clock,
        outagePause,
        gate,
        pacer,
        metrics,
        1,
        DEFAULT_LEASE,
        Sleeper.SYSTEM);
  }

  /**
   * @param sendConcurrency how many messages of one batch may be between claim and record at once
   *     (1: one after the other, on the caller's thread)
   * @param lease how long a claim holds the row without an outcome (longer than a platform call)
   * @param sleeper waits for a release that came a little early (see {@link Claimer})
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
      int sendConcurrency,
      Duration lease,
      Sleeper sleeper) {
    if (sendConcurrency < 1) {
      throw new IllegalArgumentException("sendConcurrency must be at least 1");
    }
    this.sendConcurrency = sendConcurrency;
    this.platform = Objects.requireNonNull(platform, "platform");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.gate = Objects.requireNonNull(gate, "gate");
    this.pacer = Objects.requireNonNull(pacer, "pacer");
    this.callPacer = pacer.twin();
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.check = new ReleaseCheck(platform, repository, gate, metrics);
    this.claimer = new Claimer(repository, lease, sleeper);
    this.call = new PlatformCall(platform, client, gate, metrics, clock);
    this.recorder = new OutcomeRecorder(platform, repository, outagePause);
    for (Outcome outcome : Outcome.values()) {
      counts.put(outcome, new LongAdder());
    }
  }

  /** Processes {@code request} alone; see {@link #processBatch}. */
  public Outcome process(DeliveryRequest request) {
    Objects.requireNonNull(request, "request");
    return processBatch(List.of(request), () -> false).get(0);
  }

  /**
   * Processes a poll's records; element {@code i} of the result is the outcome of {@code
   * requests.get(i)}. Once {@code stopping} is true no further message is dispatched: the rest are
   * {@link Outcome#HELD} (nothing claimed). A store outage before a send is thrown after the
   * dispatched messages finished (the caller retries the batch: messages already recorded are then
   * stale and skipped); after a send, the outcome is written through outages.
   */
  public List<Outcome> processBatch(List<DeliveryRequest> requests, BooleanSupplier stopping) {
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(stopping, "stopping");
    Outcome[] outcomes = check.checkAll(requests, clock.instant());
    List<Future<Outcome>> dispatched = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      dispatched.add(null);
    }
    StartOrder order = new StartOrder();
    int tickets = 0;
    boolean interrupted = false;
    for (int i : DispatchOrder.of(requests)) {
      if (outcomes[i] != null) {
        dispatched.set(i, CompletableFuture.completedFuture(outcomes[i]));
        continue;
      }
      DeliveryRequest request = requests.get(i);
      Outcome notNow =
          interrupted || stopping.getAsBoolean()
              ? Outcome.HELD
              : check.hold(request, clock.instant());
      if (notNow == null) {
        try {
          pacer.acquire(request.recipientId() == null ? "" : request.recipientId());
        } catch (InterruptedException e) {
          interrupted = true;
          notNow = Outcome.HELD;
        }
      }
      if (notNow != null) {
        dispatched.set(i, CompletableFuture.completedFuture(notNow));
        continue;
      }
      int ticket = tickets++;
      if (sendConcurrency == 1) {
        dispatched.set(i, completed(() -> deliver(request, order, ticket)));
      } else {
        dispatched.set(i, sendPool().submit(() -> deliver(request, order, ticket)));
      }
    }
    List<Outcome> result = collect(dispatched);
    for (Outcome outcome : result) {
      counts.get(outcome).increment();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return result;
  }

  /**
   * One message, after its pacing: claim, then, in its turn of {@code order}, send, decide, record.
   * A store outage at the claim is thrown (nothing was sent); a store error that would repeat fails
   * the row instead, so that one row never stalls the consumer.
   */
  private Outcome deliver(DeliveryRequest request, StartOrder order, int ticket) {
    StartOrder.Turn turn = order.turn(ticket);
    try {
      Step step = claim(request);
      if (step.claim() instanceof Claim.Claimed claimed) {
        return sendAndRecord(claimed, turn); // passes its turn just before the platform call
      }
      turn.pass();
      return step.decided() != null ? step.decided() : act(request, step.claim());
    } finally {
      turn.pass(); // whatever happened, later messages must not wait for this one
    }
  }

  /** The claim, or the outcome already decided without one. */
  private record Step(Claim claim, Outcome decided) {}

  private Step claim(DeliveryRequest request) {
    Outcome held = check.hold(request, clock.instant());
    if (held != null) {
      return new Step(null, held);
    }
    try {
      return new Step(claimer.claim(request), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Step(null, Outcome.HELD);
    } catch (StatusStoreException e) {
      if (e.isTransient()) {
        throw e;
      }
      return new Step(null, failUnclaimable(request, e));
    }
  }

  private Outcome act(DeliveryRequest request, Claim claim) {
    if (claim instanceof Claim.Refused refused) {
      return refused(request, refused.why());
    }
    if (claim instanceof Claim.NotDue notDue) {
      return notDue(request, notDue);
    }
    return settleAbandoned(request, ((Claim.Abandoned) claim).lost());
  }

  /**
   * In its turn, the rates are checked again right before the call ({@code callPacer}): the claims
   * between the dispatcher's pacing and the calls take varying time, and a slow claim bunches the
   * calls behind it; the platform counts arrivals, not the dispatcher's starts.
   */
  private Outcome sendAndRecord(Claim.Claimed claimed, StartOrder.Turn turn) {
    DeliveryRequest current = claimed.current();
    turn.await();
    try {
      callPacer.acquire(current.recipientId() == null ? "" : current.recipientId());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      turn.pass();
      Decision giveBack = Decision.releaseClaim("shutdown");
      return recorder.record(
          OutcomeRecorder.write(claimed, giveBack, clock.instant(), false), Outcome.HELD);
    }
    PlatformCall.Answer answer = call.send(current, turn::pass);
    Decision decision = policy.decide(answer.result(), claimed.attempt(), current);
    Outcome intended = DeliveryLog.intendedOutcome(decision, answer.result());
    Outcome outcome =
        recorder.record(OutcomeRecorder.write(claimed, decision, answer.at(), false), intended);
    metrics.send(answer.result(), outcome.name().toLowerCase(Locale.ROOT), answer.latency());
    DeliveryLog.result(
        platform, current, claimed.attempt(), outcome, decision, answer.result(), answer.latency());
    return outcome;
  }

  /**
   * An earlier attempt's lease ran out without an outcome: it may have been delivered, so it is
   * decided as an ambiguous result ({@link #CLAIM_LEASE_EXPIRED}) and recorded; the release being
   * processed is stale afterwards and is skipped (the scheduler releases the new version).
   */
  private Outcome settleAbandoned(DeliveryRequest request, Claim.Claimed lost) {
    SendResult unknown = new SendResult.Ambiguous(CLAIM_LEASE_EXPIRED);
    Decision decision = policy.decide(unknown, lost.attempt(), lost.current());
    Outcome written =
        recorder.record(
            OutcomeRecorder.write(lost, decision, clock.instant(), true),
            DeliveryLog.intendedOutcome(decision, unknown));
    LOG.warn(
        "delivery messageId={} platform={} attempt={}: an earlier attempt's lease ran out without"
            + " an outcome; recorded as {} ({}); this release is skipped",
        request.messageId(),
        platform.id(),
        lost.attempt(),
        written,
        DeliveryLog.reasonOf(decision));
    return Outcome.SKIPPED;
  }

  private Outcome refused(DeliveryRequest request, Claim.Refusal why) {
    Outcome outcome =
        switch (why) {
          case EXPIRED -> Outcome.EXPIRED;
          case UNUSABLE -> Outcome.FAILED;
          case STALE, IN_FLIGHT, UNVERSIONED -> Outcome.SKIPPED;
        };
    if (outcome == Outcome.SKIPPED) {
      metrics.claimConflict();
    }
    LOG.info(
        "delivery messageId={} platform={} rowVersion={} outcome={}: claim refused ({})",
        request.messageId(),
        platform.id(),
        request.rowVersion(),
        outcome,
        why.name().toLowerCase(Locale.ROOT));
    return outcome;
  }

  private Outcome notDue(DeliveryRequest request, Claim.NotDue notDue) {
    LOG.warn(
        "delivery messageId={} platform={} outcome={}: released {} ms before its scheduled_time"
            + " by the database's clock; not sent, the scheduler releases it again",
        request.messageId(),
        platform.id(),
        Outcome.SKIPPED,
        notDue.early().toMillis());
    return Outcome.SKIPPED;
  }

  /** A claim that fails with an error that would repeat: the row ends failed with its SQLSTATE. */
  private Outcome failUnclaimable(DeliveryRequest request, StatusStoreException e) {
    String reason = "sender_sql_error:" + e.sqlState();
    LOG.error(
        "delivery messageId={} platform={}: the claim failed with SQLState {}; failing the row",
        request.messageId(),
        platform.id(),
        e.sqlState(),
        e);
    try {
      return repository.failUnusable(request, reason, clock.instant())
          ? Outcome.FAILED
          : Outcome.SKIPPED;
    } catch (StatusStoreException again) {
      if (again.isTransient()) {
        throw again;
      }
      LOG.error(
          "delivery messageId={} platform={}: cannot fail the row either (SQLState {}); skipped",
          request.messageId(),
          platform.id(),
          again.sqlState());
      return Outcome.INVALID;
    }
  }

  private static Future<Outcome> completed(Supplier<Outcome> step) {
    try {
      return CompletableFuture.completedFuture(step.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Waits for every dispatched message; sends are never cancelled (a cancelled send could reach the
   * platform unrecorded). The first store outage or unrecorded outcome is thrown once all are done;
   * an interrupt of the waiting thread is kept for later.
   */
  private static List<Outcome> collect(List<Future<Outcome>> dispatched) {
    List<Outcome> outcomes = new ArrayList<>(dispatched.size());
    RuntimeException failure = null;
    boolean interrupted = false;
    for (Future<Outcome> future : dispatched) {
      while (true) {
        try {
          outcomes.add(future.get());
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (failure == null) {
            failure =
                cause instanceof RuntimeException runtime
                    ? runtime
                    : new IllegalStateException("a delivery failed unexpectedly", cause);
          }
          outcomes.add(Outcome.HELD);
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
    return outcomes;
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

  /** How many records ended with {@code outcome} since start. */
  public long count(Outcome outcome) {
    return counts.get(outcome).sum();
  }

  /** This instance's share of the platform's rate (both pacers keep to it). */
  public RateShare rateShare() {
    return pacer.share();
  }

  /** The platform's pause and health state. */
  public PlatformGate gate() {
    return gate;
  }

  /** True while no platform-wide pause is in force. */
  public boolean isPlatformOpen() {
    return !gate.isPlatformPaused(clock.instant());
  }
}

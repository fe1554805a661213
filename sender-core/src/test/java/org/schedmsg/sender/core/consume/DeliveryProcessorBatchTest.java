package org.schedmsg.sender.core.consume;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.sender.core.client.PlatformClient;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.core.metrics.SenderMetrics;
import org.schedmsg.sender.core.retry.RetryPolicy;
import org.schedmsg.sender.core.status.Claim;
import org.schedmsg.sender.core.status.MessageStatusRepository;
import org.schedmsg.sender.core.status.StatusWrite;
import org.schedmsg.sender.core.testing.InMemoryStatusRepository;
import org.schedmsg.sender.core.testing.SettableClock;
import org.schedmsg.sender.core.testing.TestRequests;
import org.schedmsg.sender.core.throttle.PlatformGate;
import org.schedmsg.sender.core.throttle.SendPacer;
import org.schedmsg.sender.core.throttle.Sleeper;
import org.schedmsg.sender.core.throttle.ThrottleSettings;

/** A batch: dispatched in order, each message claimed, sent and recorded; never one twice. */
class DeliveryProcessorBatchTest {
  private final SettableClock clock = new SettableClock(TestRequests.SCHEDULED.plusSeconds(1));
  private final InMemoryStatusRepository repository = new InMemoryStatusRepository(clock);
  private final List<DeliveryRequest> sent = Collections.synchronizedList(new ArrayList<>());
  private final OutagePause pause = new OutagePause(Duration.ofMillis(1), Duration.ofMillis(1));
  private DeliveryProcessor processor;

  @AfterEach
  void closeProcessor() {
    if (processor != null) {
      processor.close();
    }
  }

  private DeliveryProcessor processor(PlatformClient client, int concurrency) {
    return processor(client, concurrency, DeliveryProcessor.UNTHROTTLED);
  }

  private DeliveryProcessor processor(
      PlatformClient client, int concurrency, ThrottleSettings throttle) {
    processor =
        new DeliveryProcessor(
            Platform.TELEGRAM,
            repository,
            client,
            new RetryPolicy(3),
            clock,
            pause,
            new PlatformGate(Platform.TELEGRAM.id(), DeliveryProcessor.UNTHROTTLED),
            new SendPacer(throttle, Clock.systemUTC(), Sleeper.SYSTEM),
            new SenderMetrics(new SimpleMeterRegistry(), Platform.TELEGRAM.id()),
            concurrency,
            Duration.ofSeconds(60),
            Sleeper.SYSTEM);
    return processor;
  }

  private List<DeliveryRequest> pending(int n) {
    List<DeliveryRequest> requests = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      DeliveryRequest request =
          TestRequests.request(Platform.TELEGRAM, Integer.toString(1000 + i), "take your pill");
      repository.insertPending(request);
      requests.add(request);
    }
    return requests;
  }

  @Test
  void shouldSendEachMessageOnceWhenBatchHoldsDuplicatesAndSendsConcurrently() {
    List<DeliveryRequest> requests = pending(40);
    List<DeliveryRequest> batch = new ArrayList<>(requests);
    batch.addAll(requests.subList(0, 10)); // a replayed stretch inside the same poll
    DeliveryProcessor p =
        processor(
            r -> {
              sent.add(r);
              return new SendResult.Delivered("p-" + r.recipientId());
            },
            8);

    List<Outcome> outcomes = p.processBatch(batch, () -> false);

    // which copy of a duplicated message wins depends on the send threads; one copy does
    assertThat(outcomes).filteredOn(o -> o == Outcome.SENT).hasSize(40);
    assertThat(outcomes).filteredOn(o -> o == Outcome.SKIPPED).hasSize(10);
    for (int i = 0; i < 10; i++) {
      assertThat(List.of(outcomes.get(i), outcomes.get(40 + i)))
          .containsExactlyInAnyOrder(Outcome.SENT, Outcome.SKIPPED);
    }
    assertThat(sent).hasSize(40).doesNotHaveDuplicates();
    for (DeliveryRequest request : requests) {
      assertThat(repository.row(request.messageId()).status()).isEqualTo(MessageStatus.SENT);
      assertThat(repository.row(request.messageId()).attempts()).isEqualTo(1);
    }
  }

  @Test
  void shouldKeepSendsInFlightConcurrentWhenConcurrencyAboveOne() throws Exception {
    List<DeliveryRequest> requests = pending(4);
    CountDownLatch allInFlight = new CountDownLatch(4);
    DeliveryProcessor p =
        processor(
            r -> {
              allInFlight.countDown();
              try {
                // every call waits until all four are in flight: only concurrent sends get past
                allInFlight.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return new SendResult.Delivered("1");
            },
            4);

    List<Outcome> outcomes = p.processBatch(requests, () -> false);

    assertThat(allInFlight.getCount()).isZero();
    assertThat(outcomes).containsOnly(Outcome.SENT);
  }

  @Test
  void shouldCallPlatformInBatchOrderForOneRecipientWhenSentConcurrently() {
    DeliveryRequest urgent = TestRequests.request(Platform.TELEGRAM, "777", "urgent");
    DeliveryRequest bulk = TestRequests.request(Platform.TELEGRAM, "777", "bulk");
    repository.insertPending(urgent);
    repository.insertPending(bulk);
    ThrottleSettings oneChatInterval =
        new ThrottleSettings(
            1000,
            Duration.ofMillis(50),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1));
    DeliveryProcessor p =
        processor(
            r -> {
              sent.add(r);
              return new SendResult.Delivered("1");
            },
            8,
            oneChatInterval);

    p.processBatch(List.of(urgent, bulk), () -> false);

    assertThat(sent).containsExactly(urgent, bulk);
  }

  /**
   * A poll holds one partition's records after another's: an urgent message in the second partition
   * is dispatched before the bulk of the first, and outcomes stay at their records.
   */
  @Test
  void shouldDispatchMostUrgentFirstWhenPollMixesPartitions() {
    List<DeliveryRequest> batch = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      batch.add(
          TestRequests.withPriority(TestRequests.request(Platform.TELEGRAM, "b" + i, "bulk"), 9));
    }
    DeliveryRequest urgent =
        TestRequests.withPriority(TestRequests.request(Platform.TELEGRAM, "u", "urgent"), 1);
    batch.add(urgent);
    DeliveryRequest replayed = batch.get(1); // a stale record keeps its outcome at its index
    for (DeliveryRequest r : batch) {
      repository.insertPending(r);
    }
    repository.cancel(replayed.messageId());
    DeliveryProcessor p =
        processor(
            r -> {
              sent.add(r);
              return new SendResult.Delivered("1");
            },
            1);

    List<Outcome> outcomes = p.processBatch(batch, () -> false);

    assertThat(sent.get(0).messageId()).isEqualTo(urgent.messageId());
    assertThat(outcomes).containsExactly(Outcome.SENT, Outcome.SKIPPED, Outcome.SENT, Outcome.SENT);
  }

  /**
   * Claims run concurrently and their round trips vary; the platform calls must still start in
   * dispatch (= priority) order. The first message's claim is held until the second's claim is done
   * and, for up to a second, until the second was sent: without the ordering the second is sent
   * while the first is still claiming.
   */
  @Test
  void shouldStartCallsInDispatchOrderWhenClaimsFinishOutOfOrder() throws Exception {
    List<DeliveryRequest> requests = pending(2);
    DeliveryRequest first = requests.get(0);
    CountDownLatch secondClaimed = new CountDownLatch(1);
    CountDownLatch secondSent = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean firstClaimed =
        new java.util.concurrent.atomic.AtomicBoolean();
    List<Boolean> firstClaimedWhenSecondSent = Collections.synchronizedList(new ArrayList<>());
    MessageStatusRepository slowFirstClaim =
        new ForwardingRepository(repository) {
          @Override
          public Claim claim(DeliveryRequest request, Duration lease) {
            if (request.messageId().equals(first.messageId())) {
              await(secondClaimed, 10);
              await(secondSent, 1);
              Claim claim = super.claim(request, lease);
              firstClaimed.set(true);
              return claim;
            }
            Claim claim = super.claim(request, lease);
            secondClaimed.countDown();
            return claim;
          }
        };
    processor =
        new DeliveryProcessor(
            Platform.TELEGRAM,
            slowFirstClaim,
            r -> {
              sent.add(r);
              if (!r.messageId().equals(first.messageId())) {
                firstClaimedWhenSecondSent.add(firstClaimed.get());
                secondSent.countDown();
              }
              return new SendResult.Delivered("1");
            },
            new RetryPolicy(3),
            clock,
            pause,
            new PlatformGate(Platform.TELEGRAM.id(), DeliveryProcessor.UNTHROTTLED),
            new SendPacer(DeliveryProcessor.UNTHROTTLED, Clock.systemUTC(), Sleeper.SYSTEM),
            new SenderMetrics(new SimpleMeterRegistry(), Platform.TELEGRAM.id()),
            2,
            Duration.ofSeconds(60),
            Sleeper.SYSTEM);

    assertThat(processor.processBatch(requests, () -> false)).containsOnly(Outcome.SENT);

    assertThat(firstClaimedWhenSecondSent)
        .as("the second call started only after the first message's claim was done")
        .containsExactly(true);
  }

  private static void await(CountDownLatch latch, int seconds) {
    try {
      latch.await(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A repository that forwards every call; tests override what they need. */
  private static class ForwardingRepository implements MessageStatusRepository {
    private final MessageStatusRepository delegate;

    ForwardingRepository(MessageStatusRepository delegate) {
      this.delegate = delegate;
    }

    @Override
    public java.util.Set<java.util.UUID> stillCurrent(
        java.util.Collection<DeliveryRequest> requests) {
      return delegate.stillCurrent(requests);
    }

    @Override
    public Claim claim(DeliveryRequest request, Duration lease) {
      return delegate.claim(request, lease);
    }

    @Override
    public boolean record(StatusWrite write) {
      return delegate.record(write);
    }

    @Override
    public boolean failUnusable(DeliveryRequest request, String reason, java.time.Instant now) {
      return delegate.failUnusable(request, reason, now);
    }

    @Override
    public boolean reject(org.schedmsg.contracts.RejectedMessage rejection, java.time.Instant now) {
      return delegate.reject(rejection, now);
    }
  }

  @Test
  void shouldGiveClaimsBackWithoutSendingWhenStoppingDuringBatch() {
    List<DeliveryRequest> requests = pending(6);
    AtomicInteger calls = new AtomicInteger();
    DeliveryProcessor p =
        processor(
            r -> {
              calls.incrementAndGet();
              return new SendResult.Delivered("1");
            },
            2);

    List<Outcome> outcomes = p.processBatch(requests, () -> true);

    assertThat(outcomes).containsOnly(Outcome.HELD);
    assertThat(calls).hasValue(0);
    for (DeliveryRequest request : requests) {
      InMemoryStatusRepository.Row row = repository.row(request.messageId());
      assertThat(row.status()).isEqualTo(MessageStatus.PENDING);
      assertThat(row.attempts()).isEqualTo(request.attempts());
    }
  }

  @Test
  void shouldHoldRestOfBatchWithClaimsGivenBackWhenPlatformRateLimitsMidBatch() {
    List<DeliveryRequest> requests = pending(5);
    DeliveryProcessor p =
        processor(
            r -> {
              sent.add(r);
              return sent.size() == 2
                  ? new SendResult.RateLimited(
                      "too_many_requests", SendResult.Scope.PLATFORM, Duration.ofSeconds(30))
                  : new SendResult.Delivered("1");
            },
            1);

    List<Outcome> outcomes = p.processBatch(requests, () -> false);

    assertThat(outcomes)
        .containsExactly(Outcome.SENT, Outcome.HELD, Outcome.HELD, Outcome.HELD, Outcome.HELD);
    assertThat(sent).hasSize(2);
    for (DeliveryRequest request : requests.subList(1, 5)) {
      InMemoryStatusRepository.Row row = repository.row(request.messageId());
      assertThat(row.status()).isEqualTo(MessageStatus.PENDING);
      assertThat(row.attempts()).as("a rate limit never counts an attempt").isZero();
    }
  }
}

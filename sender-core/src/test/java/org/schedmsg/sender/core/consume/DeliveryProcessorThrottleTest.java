package org.schedmsg.sender.core.consume;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.core.metrics.SenderMetrics;
import org.schedmsg.sender.core.retry.RetryPolicy;
import org.schedmsg.sender.core.testing.InMemoryStatusRepository;
import org.schedmsg.sender.core.testing.SettableClock;
import org.schedmsg.sender.core.testing.TestRequests;
import org.schedmsg.sender.core.throttle.PlatformGate;
import org.schedmsg.sender.core.throttle.SendPacer;
import org.schedmsg.sender.core.throttle.Sleeper;
import org.schedmsg.sender.core.throttle.ThrottleSettings;

/** Rate limits, fatal errors and pauses, on a settable clock. */
class DeliveryProcessorThrottleTest {
  private static final ThrottleSettings SETTINGS =
      new ThrottleSettings(
          30, Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30));
  private final SettableClock clock = new SettableClock(TestRequests.SCHEDULED.plusSeconds(1));
  private final InMemoryStatusRepository repository = new InMemoryStatusRepository(clock);
  private final List<Instant> calls = new ArrayList<>();
  private final Deque<SendResult> script = new ArrayDeque<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Sleeper sleeper = clock::advance;
  private final DeliveryProcessor processor = processor();

  private DeliveryProcessor processor() {
    return new DeliveryProcessor(
        Platform.TELEGRAM,
        repository,
        request -> {
          calls.add(clock.instant());
          SendResult next = script.poll();
          return next != null ? next : new SendResult.Delivered(String.valueOf(calls.size()));
        },
        new RetryPolicy(3),
        clock,
        new OutagePause(Duration.ofMillis(1), Duration.ofMillis(1)),
        new PlatformGate("telegram", SETTINGS),
        new SendPacer(SETTINGS, clock, duration -> sleeper.sleep(duration)),
        new SenderMetrics(registry, "telegram"));
  }

  private DeliveryRequest pending(String chat) {
    DeliveryRequest request =
        TestRequests.withDeadline(TestRequests.request(Platform.TELEGRAM, chat, "pill"), null);
    repository.insertPending(request);
    return request;
  }

  @Test
  void shouldRestoreAttemptsAndHoldWhenPlatformRateLimited() {
    DeliveryRequest request = pending("1");
    script.add(
        new SendResult.RateLimited(
            "telegram:429", SendResult.Scope.PLATFORM, Duration.ofSeconds(3)));

    assertThat(processor.process(request)).isEqualTo(Outcome.HELD);

    InMemoryStatusRepository.Row row = repository.row(request.messageId());
    assertThat(row.status()).isEqualTo(MessageStatus.PENDING);
    assertThat(row.attempts()).isZero();
    assertThat(row.rowVersion()).as("a give-back writes nothing to the row").isEqualTo(1);
    assertThat(repository.attempts(request.messageId()))
        .extracting(InMemoryStatusRepository.Attempt::state)
        .containsExactly("given_back");
    assertThat(registry.get(SenderMetrics.RATE_LIMIT_PAUSES).counter().count()).isEqualTo(1);
  }

  @Test
  void shouldNotCallPausedBotBeforeRetryAfterWhenRateLimited() {
    DeliveryRequest first = pending("1");
    DeliveryRequest second = pending("2");
    script.add(
        new SendResult.RateLimited(
            "telegram:429", SendResult.Scope.PLATFORM, Duration.ofSeconds(3)));
    processor.process(first);
    Instant limitedAt = clock.instant();

    clock.advance(Duration.ofMillis(2999));
    assertThat(processor.process(second)).isEqualTo(Outcome.HELD);
    assertThat(processor.process(first)).isEqualTo(Outcome.HELD);
    assertThat(processor.isPlatformOpen()).isFalse();
    assertThat(calls).hasSize(1);

    clock.advance(Duration.ofMillis(1));
    assertThat(processor.process(first)).isEqualTo(Outcome.SENT);
    assertThat(processor.process(second)).isEqualTo(Outcome.SENT);

    assertThat(calls.subList(1, calls.size())).allMatch(t -> !t.isBefore(limitedAt.plusSeconds(3)));
    assertThat(repository.row(first.messageId()).attempts()).isEqualTo(1);
  }

  @Test
  void shouldKeepPendingWhenFatalThenSendAllOnceWhenFixed() {
    List<DeliveryRequest> requests = List.of(pending("1"), pending("2"), pending("3"));
    script.add(new SendResult.Fatal("telegram:401_unauthorized"));

    assertThat(processor.process(requests.get(0))).isEqualTo(Outcome.HELD);
    assertThat(processor.process(requests.get(1))).isEqualTo(Outcome.HELD);
    assertThat(processor.gate().isHealthy()).isFalse();
    assertThat(calls).hasSize(1);
    assertThat(requests)
        .allSatisfy(
            r -> {
              assertThat(repository.row(r.messageId()).status()).isEqualTo(MessageStatus.PENDING);
              assertThat(repository.row(r.messageId()).attempts()).isZero();
            });

    clock.advance(Duration.ofSeconds(30)); // the token was fixed meanwhile
    for (DeliveryRequest request : requests) {
      assertThat(processor.process(request)).isEqualTo(Outcome.SENT);
    }

    assertThat(processor.gate().isHealthy()).isTrue();
    assertThat(calls).hasSize(4); // the fatal try, then each message once
    assertThat(requests)
        .allSatisfy(r -> assertThat(repository.row(r.messageId()).attempts()).isEqualTo(1));
  }

  @Test
  void shouldDeferOnlyThatRecipientWhenRecipientRateLimited() {
    DeliveryRequest limited = pending("1");
    DeliveryRequest sameRecipient = pending("1");
    DeliveryRequest other = pending("2");
    script.add(new SendResult.RateLimited("whatsapp:131056", SendResult.Scope.RECIPIENT, null));

    assertThat(processor.process(limited)).isEqualTo(Outcome.DEFERRED);
    assertThat(processor.process(sameRecipient)).isEqualTo(Outcome.DEFERRED);
    assertThat(processor.process(other)).isEqualTo(Outcome.SENT);

    assertThat(repository.row(limited.messageId()).attempts()).isZero();
    assertThat(repository.row(sameRecipient.messageId()).attempts()).isZero();
    assertThat(calls).hasSize(2);
  }

  @Test
  void shouldReleaseClaimWhenInterruptedWhileWaitingForRateLimit() {
    DeliveryRequest request = pending("1");
    sleeper =
        duration -> {
          throw new InterruptedException("shutdown");
        };
    for (int i = 0; i < 30; i++) {
      processor.process(pending("other-" + i));
    }

    assertThat(processor.process(request)).isEqualTo(Outcome.HELD);

    assertThat(Thread.interrupted()).isTrue();
    assertThat(repository.row(request.messageId()).attempts()).isZero();
    assertThat(repository.row(request.messageId()).status()).isEqualTo(MessageStatus.PENDING);
  }

  @Test
  void shouldCountSendsAndClaimConflictsWhenProcessing() {
    DeliveryRequest request = pending("1");
    processor.process(request);
    processor.process(request);

    assertThat(
            registry
                .get(SenderMetrics.SENDS)
                .tags("outcome", "sent", "error_class", "none")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get(SenderMetrics.CLAIM_CONFLICTS).counter().count()).isEqualTo(1);
    assertThat(registry.get(SenderMetrics.LATENCY).timer().count()).isEqualTo(1);
  }
}

package org.schedmsg.sender.core.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.sender.core.client.PlatformClient;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.core.retry.RetryPolicy;
import org.schedmsg.sender.core.status.StatusStoreException;
import org.schedmsg.sender.core.testing.InMemoryStatusRepository;
import org.schedmsg.sender.core.testing.SettableClock;
import org.schedmsg.sender.core.testing.TestRequests;

class DeliveryProcessorTest {
  private final SettableClock clock = new SettableClock(TestRequests.SCHEDULED.plusSeconds(1));
  private final InMemoryStatusRepository repository = new InMemoryStatusRepository(clock);
  private final List<DeliveryRequest> sent = new ArrayList<>();
  private SendResult nextResult = new SendResult.Delivered("100");
  private final PlatformClient client =
      request -> {
        sent.add(request);
        return nextResult;
      };
  private final OutagePause pause = new OutagePause(Duration.ofMillis(1), Duration.ofMillis(1));
  private final DeliveryProcessor processor =
      new DeliveryProcessor(
          Platform.TELEGRAM, repository, client, new RetryPolicy(3), clock, pause);

  private DeliveryRequest pendingRequest() {
    DeliveryRequest request = TestRequests.request(Platform.TELEGRAM, "12345", "take your pill");
    repository.insertPending(request);
    return request;
  }

  @Test
  void shouldMarkSentWithPlatformIdWhenDelivered() {
    DeliveryRequest request = pendingRequest();

    assertThat(processor.process(request)).isEqualTo(Outcome.SENT);

    assertThat(sent).extracting(DeliveryRequest::messageId).containsExactly(request.messageId());
    InMemoryStatusRepository.Row row = repository.row(request.messageId());
    assertThat(row.status()).isEqualTo(MessageStatus.SENT);
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(row.platformMessageId()).isEqualTo("100");
    assertThat(row.rowVersion()).isEqualTo(request.rowVersion() + 1);
    assertThat(processor.count(Outcome.SENT)).isEqualTo(1);
  }

  @Test
  void shouldSkipWithoutCallingPlatformWhenRecordIsReplayed() {
    DeliveryRequest request = pendingRequest();
    processor.process(request);

    assertThat(processor.process(request)).isEqualTo(Outcome.SKIPPED);

    assertThat(sent).hasSize(1);
    assertThat(processor.count(Outcome.SKIPPED)).isEqualTo(1);
  }

  @Test
  void shouldExpireWithoutCallingPlatformWhenPastDeliveryWindow() {
    DeliveryRequest request = pendingRequest();
    clock.set(request.deliveryDeadline().plusSeconds(1));

    assertThat(processor.process(request)).isEqualTo(Outcome.EXPIRED);

    assertThat(sent).isEmpty();
    InMemoryStatusRepository.Row row = repository.row(request.messageId());
    assertThat(row.status()).isEqualTo(MessageStatus.FAILED);
    assertThat(row.errorMessage()).isEqualTo("delivery_window_expired");
    assertThat(row.attempts()).isZero();
  }

  @Test
  void shouldKeepPendingWhenRetryable() {
    DeliveryRequest request = pendingRequest();
    nextResult = new SendResult.Retryable("telegram:429", Duration.ofSeconds(3));

    assertThat(processor.process(request)).isEqualTo(Outcome.RETRY_LATER);

    InMemoryStatusRepository.Row row = repository.row(request.messageId());
    assertThat(row.status()).isEqualTo(MessageStatus.PENDING);
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(row.errorMessage()).isEqualTo("telegram:429");
  }

  @Test
  void shouldFailWithMaxAttemptsExceededWhenLastAttemptIsRetryable() {
    DeliveryRequest request = TestRequests.withAttempts(pendingRequest(), 2);
    repository.insertPending(request);
    nextResult = new SendResult.Retryable("timeout");

    assertThat(processor.process(request)).isEqualTo(Outcome.FAILED);

    assertThat(repository.row(request.messageId()).errorMessage())
        .isEqualTo("max_attempts_exceeded:timeout");
  }

  @Test
  void shouldMarkFailedWhenPermanent() {
    DeliveryRequest request = pendingRequest();
    nextResult = new SendResult.Permanent("telegram:403:bot_was_blocked_by_the_user");

    assertThat(processor.process(request)).isEqualTo(Outcome.FAILED);

    assertThat(repository.row(request.messageId()).errorMessage())
        .isEqualTo("telegram:403:bot_was_blocked_by_the_user");
  }

  @Test
  void shouldRecordRetryableWhenClientThrows() {
    DeliveryRequest request = pendingRequest();
    DeliveryProcessor failing =
        new DeliveryProcessor(
            Platform.TELEGRAM,
            repository,
            r -> {
              throw new IllegalStateException("bug");
            },
            new RetryPolicy(3),
            clock,
            pause);

    assertThat(failing.process(request)).isEqualTo(Outcome.RETRY_LATER);

    assertThat(repository.row(request.messageId()).errorMessage())
        .isEqualTo("client_error:IllegalStateException");
  }

  @Test
  void shouldPropagateWithoutCallingPlatformWhenDatabaseFailsBeforeSend() {
    DeliveryRequest request = pendingRequest();
    repository.failNextCalls(1);

    assertThatThrownBy(() -> processor.process(request)).isInstanceOf(StatusStoreException.class);

    assertThat(sent).isEmpty();
    assertThat(repository.row(request.messageId()).attempts()).isZero();
  }

  @Test
  void shouldRetryRecordingWithoutSendingAgainWhenDatabaseFailsAfterSend() {
    DeliveryRequest request = pendingRequest();
    PlatformClient failingDatabaseAfterSend =
        r -> {
          sent.add(r);
          repository.failNextCalls(3);
          return new SendResult.Delivered("7");
        };
    DeliveryProcessor processor =
        new DeliveryProcessor(
            Platform.TELEGRAM,
            repository,
            failingDatabaseAfterSend,
            new RetryPolicy(3),
            clock,
            pause);

    assertThat(processor.process(request)).isEqualTo(Outcome.SENT);

    assertThat(sent).hasSize(1);
    assertThat(repository.row(request.messageId()).status()).isEqualTo(MessageStatus.SENT);
  }

  @Test
  void shouldThrowOutcomeNotRecordedWhenStoppedDuringOutageAfterSend() {
    DeliveryRequest request = pendingRequest();
    pause.stop();
    PlatformClient failingDatabaseAfterSend =
        r -> {
          repository.failNextCalls(Integer.MAX_VALUE);
          return new SendResult.Delivered("7");
        };
    DeliveryProcessor processor =
        new DeliveryProcessor(
            Platform.TELEGRAM,
            repository,
            failingDatabaseAfterSend,
            new RetryPolicy(3),
            clock,
            pause);

    assertThatThrownBy(() -> processor.process(request))
        .isInstanceOf(OutcomeNotRecordedException.class)
        .hasMessageContaining(request.messageId().toString());
  }

  @Test
  void shouldRefuseCancelDuringSendAndRecordWhatWasSent() {
    DeliveryRequest request = pendingRequest();
    List<Boolean> cancelled = new ArrayList<>();
    PlatformClient cancellingDuringSend =
        r -> {
          cancelled.add(repository.cancel(r.messageId()));
          return new SendResult.Delivered("8");
        };
    DeliveryProcessor processor =
        new DeliveryProcessor(
            Platform.TELEGRAM, repository, cancellingDuringSend, new RetryPolicy(3), clock, pause);

    assertThat(processor.process(request)).isEqualTo(Outcome.SENT);

    assertThat(cancelled).containsExactly(false);
    assertThat(repository.row(request.messageId()).status()).isEqualTo(MessageStatus.SENT);
    assertThat(repository.cancel(request.messageId())).isFalse();
  }

  @Test
  void shouldNeverSendWhenCancelCommitsBeforeClaim() {
    DeliveryRequest request = pendingRequest();
    assertThat(repository.cancel(request.messageId())).isTrue();

    assertThat(processor.process(request)).isEqualTo(Outcome.SKIPPED);

    assertThat(sent).isEmpty();
    assertThat(repository.row(request.messageId()).status()).isEqualTo(MessageStatus.CANCELLED);
  }

  @Test
  void shouldSendRowsCurrentRecipientAndTextNotTheReleasedCopy() {
    DeliveryRequest released = pendingRequest();
    DeliveryRequest edited = TestRequests.edited(released, "67890", "take two pills");
    repository.edit(released.messageId(), edited);

    assertThat(processor.process(released)).isEqualTo(Outcome.SKIPPED);
    assertThat(sent).isEmpty();

    assertThat(processor.process(edited)).isEqualTo(Outcome.SENT);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).recipientId()).isEqualTo("67890");
    assertThat(sent.get(0).text()).isEqualTo("take two pills");
  }

  @Test
  void shouldSendWhatTheRowHoldsAtClaimWhenReleaseCarriesOtherCopies() {
    DeliveryRequest released = TestRequests.request(Platform.TELEGRAM, "12345", "old text");
    repository.insertPending(
        TestRequests.withRowVersion(
            TestRequests.edited(released, "555", "row text"), released.rowVersion()));

    assertThat(processor.process(released)).isEqualTo(Outcome.SENT);

    assertThat(sent.get(0).recipientId()).isEqualTo("555");
    assertThat(sent.get(0).text()).isEqualTo("row text");
  }

  @Test
  void shouldNotExpireRescheduledRowWhenStaleReleaseIsPastItsOldDeadline() {
    DeliveryRequest released = pendingRequest();
    DeliveryRequest moved =
        TestRequests.withDeadline(
            TestRequests.withRowVersion(
                TestRequests.withId(
                    released, released.messageId(), released.scheduledTime().plusSeconds(86_400)),
                released.rowVersion() + 1),
            released.scheduledTime().plusSeconds(86_400 + 60));
    repository.edit(released.messageId(), moved);
    clock.set(released.deliveryDeadline().plusSeconds(5));

    assertThat(processor.process(released)).isEqualTo(Outcome.SKIPPED);

    assertThat(repository.row(released.messageId()).status()).isEqualTo(MessageStatus.PENDING);
    assertThat(sent).isEmpty();
  }

  @Test
  void shouldNeitherCountNorRewindAnythingWhenRateLimited() {
    DeliveryRequest request = pendingRequest();
    nextResult =
        new SendResult.RateLimited(
            "telegram:429", SendResult.Scope.PLATFORM, Duration.ofSeconds(2));

    assertThat(processor.process(request)).isEqualTo(Outcome.HELD);

    InMemoryStatusRepository.Row row = repository.row(request.messageId());
    assertThat(row.attempts()).isZero();
    assertThat(row.rowVersion()).isEqualTo(request.rowVersion());
    assertThat(repository.attempts(request.messageId()))
        .extracting(InMemoryStatusRepository.Attempt::state)
        .containsExactly("given_back");
  }

  @Test
  void shouldRecordEachOutcomeBeforeLaterSendsOfTheBatchFinish() {
    DeliveryRequest first = pendingRequest();
    DeliveryRequest second = pendingRequest();
    DeliveryRequest third = pendingRequest();
    List<MessageStatus> seenAtThirdSend = new ArrayList<>();
    PlatformClient watching =
        r -> {
          if (r.messageId().equals(third.messageId())) {
            seenAtThirdSend.add(repository.row(first.messageId()).status());
            seenAtThirdSend.add(repository.row(second.messageId()).status());
          }
          return new SendResult.Delivered("1");
        };
    DeliveryProcessor processor =
        new DeliveryProcessor(
            Platform.TELEGRAM, repository, watching, new RetryPolicy(3), clock, pause);

    processor.processBatch(List.of(first, second, third), () -> false);

    assertThat(seenAtThirdSend).containsExactly(MessageStatus.SENT, MessageStatus.SENT);
  }

  @Test
  void shouldCheckDeliveryWindowBeforeEachSendNotOncePerBatch() {
    DeliveryRequest first = pendingRequest();
    DeliveryRequest second = pendingRequest();
    PlatformClient slow =
        r -> {
          sent.add(r);
          clock.set(second.deliveryDeadline().plusSeconds(1)); // the first send took a minute
          return new SendResult.Delivered("1");
        };
    DeliveryProcessor processor =
        new DeliveryProcessor(
            Platform.TELEGRAM, repository, slow, new RetryPolicy(3), clock, pause);

    assertThat(processor.processBatch(List.of(first, second), () -> false))
        .containsExactly(Outcome.SENT, Outcome.EXPIRED);

    assertThat(sent).extracting(DeliveryRequest::messageId).containsExactly(first.messageId());
    assertThat(repository.row(second.messageId()).errorMessage())
        .isEqualTo("delivery_window_expired");
  }

  @Test
  void shouldFailRowWithReasonWhenMetadataIsNotAnObject() {
    DeliveryRequest request = TestRequests.request(Platform.TELEGRAM, "12345", "hi");
    repository.insertPending(request);
    InMemoryStatusRepository.Row row = repository.row(request.messageId());
    repository.put(
        request.messageId(),
        new InMemoryStatusRepository.Row(
            row.status(),
            row.attempts(),
            row.scheduledTime(),
            null,
            null,
            row.rowVersion(),
            row.content(),
            false));

    assertThat(processor.process(request)).isEqualTo(Outcome.FAILED);

    assertThat(sent).isEmpty();
    assertThat(repository.row(request.messageId()).errorMessage()).isEqualTo("invalid_metadata");
  }

  @Test
  void shouldFailRowInsteadOfRetryingForeverWhenClaimErrorWouldRepeat() {
    DeliveryRequest request = pendingRequest();
    DeliveryRequest next = pendingRequest();
    repository.failNextCallsPermanently(2); // the batch read of versions, then the claim

    assertThat(processor.processBatch(List.of(request, next), () -> false))
        .containsExactly(Outcome.FAILED, Outcome.SENT);

    assertThat(repository.row(request.messageId()).errorMessage())
        .isEqualTo("sender_sql_error:22023");
    assertThat(sent).extracting(DeliveryRequest::messageId).containsExactly(next.messageId());
  }

  @Test
  void shouldWaitForDatabaseClockWhenReleasedSlightlyEarly() {
    DeliveryRequest request = pendingRequest();
    clock.set(request.scheduledTime().minusSeconds(2)); // the scheduler's clock runs ahead
    List<Instant> sentAt = new ArrayList<>();
    PlatformClient recording =
        r -> {
          sentAt.add(clock.instant());
          return new SendResult.Delivered("1");
        };
    DeliveryProcessor processor = processorWith(recording);

    assertThat(processor.process(request)).isEqualTo(Outcome.SENT);

    assertThat(sentAt).hasSize(1);
    assertThat(sentAt.get(0)).isAfterOrEqualTo(request.scheduledTime());
  }

  @Test
  void shouldNotSendWhenReleasedFarAheadOfDatabaseClock() {
    DeliveryRequest request = pendingRequest();
    clock.set(request.scheduledTime().minus(Duration.ofMinutes(10)));

    assertThat(processorWith(client).process(request)).isEqualTo(Outcome.SKIPPED);

    assertThat(sent).isEmpty();
    assertThat(repository.row(request.messageId()).status()).isEqualTo(MessageStatus.PENDING);
  }

  @Test
  void shouldSettleAbandonedAttemptAsUnknownOutcomeAndSkipTheRelease() {
    DeliveryRequest request = pendingRequest();
    repository.claim(request, Duration.ofSeconds(30)); // a sender that then died
    clock.advance(Duration.ofSeconds(31));

    assertThat(processor.process(request)).isEqualTo(Outcome.SKIPPED);

    assertThat(sent).isEmpty();
    InMemoryStatusRepository.Row row = repository.row(request.messageId());
    assertThat(row.status()).isEqualTo(MessageStatus.PENDING);
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(row.errorMessage()).isEqualTo(DeliveryProcessor.CLAIM_LEASE_EXPIRED);
    assertThat(repository.attempts(request.messageId()))
        .extracting(InMemoryStatusRepository.Attempt::state)
        .containsExactly("abandoned");
  }

  private DeliveryProcessor processorWith(PlatformClient platform) {
    return new DeliveryProcessor(
        Platform.TELEGRAM,
        repository,
        platform,
        new RetryPolicy(3),
        clock,
        pause,
        new org.schedmsg.sender.core.throttle.PlatformGate(
            "telegram", DeliveryProcessor.UNTHROTTLED),
        new org.schedmsg.sender.core.throttle.SendPacer(
            DeliveryProcessor.UNTHROTTLED, clock, clock::advance),
        new org.schedmsg.sender.core.metrics.SenderMetrics(
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), "telegram"),
        1,
        Duration.ofSeconds(60),
        clock::advance);
  }

  @Test
  void shouldSkipAsInvalidWhenRequestIsForAnotherPlatform() {
    DeliveryRequest request = TestRequests.request(Platform.WHATSAPP, "+100", "hi");
    repository.insertPending(request);

    assertThat(processor.process(request)).isEqualTo(Outcome.INVALID);

    assertThat(sent).isEmpty();
    assertThat(repository.row(request.messageId()).attempts()).isZero();
  }
}

package org.schedmsg.sender.core.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
  private final InMemoryStatusRepository repository = new InMemoryStatusRepository();
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

    assertThat(sent).containsExactly(request);
    assertThat(repository.row(request.messageId()))
        .isEqualTo(
            new InMemoryStatusRepository.Row(
                MessageStatus.SENT, 1, request.scheduledTime(), null, "100"));
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
  void shouldReportConflictWhenRowIsCancelledDuringSend() {
    DeliveryRequest request = pendingRequest();
    PlatformClient cancellingDuringSend =
        r -> {
          repository.put(
              r.messageId(),
              new InMemoryStatusRepository.Row(
                  MessageStatus.CANCELLED, 1, r.scheduledTime(), null, null));
          return new SendResult.Delivered("8");
        };
    DeliveryProcessor processor =
        new DeliveryProcessor(
            Platform.TELEGRAM, repository, cancellingDuringSend, new RetryPolicy(3), clock, pause);

    assertThat(processor.process(request)).isEqualTo(Outcome.CONFLICT);

    assertThat(repository.row(request.messageId()).status()).isEqualTo(MessageStatus.CANCELLED);
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

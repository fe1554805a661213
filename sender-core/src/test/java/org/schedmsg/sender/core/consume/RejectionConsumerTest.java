package org.schedmsg.sender.core.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.contracts.Topic;
import org.schedmsg.contracts.Topics;
import org.schedmsg.sender.core.metrics.SenderMetrics;
import org.schedmsg.sender.core.testing.InMemoryStatusRepository;
import org.schedmsg.sender.core.testing.SettableClock;
import org.schedmsg.sender.core.testing.TestRequests;

class RejectionConsumerTest {
  private final Topic<String, RejectedMessage> topic = Topics.of("unit").rejections();
  private final TopicPartition partition = new TopicPartition(topic.name(), 0);
  private final Map<TopicPartition, OffsetAndMetadata> commits = new ConcurrentHashMap<>();
  private final MockConsumer<String, RejectedMessage> kafka =
      new MockConsumer<>("earliest") {
        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
          super.commitSync(offsets);
          commits.putAll(offsets);
        }
      };
  private final InMemoryStatusRepository repository = new InMemoryStatusRepository();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RejectionConsumer consumer =
      new RejectionConsumer(
          kafka,
          topic,
          Platform.TELEGRAM,
          repository,
          new SettableClock(TestRequests.SCHEDULED),
          Duration.ofMillis(5),
          new OutagePause(Duration.ofMillis(1), Duration.ofMillis(5)),
          new SenderMetrics(registry, "telegram"));

  @AfterEach
  void stop() {
    consumer.close();
  }

  private DeliveryRequest pending() {
    DeliveryRequest request = TestRequests.request(Platform.TELEGRAM, "99", "text");
    repository.insertPending(request);
    return request;
  }

  /** A rejection of {@code request}'s row {@code versionsBehind} versions before the current. */
  private static RejectedMessage rejection(
      DeliveryRequest request, Platform platform, int versionsBehind) {
    return new RejectedMessage(
        RejectedMessage.SCHEMA_VERSION,
        request.messageId(),
        platform,
        request.attempts(),
        request.scheduledTime(),
        "max_attempts_exceeded",
        Instant.now(),
        request.rowVersion() - versionsBehind);
  }

  private void deliver(RejectedMessage... rejections) {
    kafka.schedulePollTask(
        () -> {
          kafka.rebalance(List.of(partition));
          kafka.updateBeginningOffsets(Map.of(partition, 0L));
          for (int i = 0; i < rejections.length; i++) {
            kafka.addRecord(
                new ConsumerRecord<>(
                    topic.name(), 0, i, rejections[i].messageId().toString(), rejections[i]));
          }
        });
    consumer.start("test-rejections");
  }

  private Long committed() {
    OffsetAndMetadata offset = commits.get(partition);
    return offset == null ? null : offset.offset();
  }

  @Test
  void shouldFailRowWithReasonWhenRejectionMatches() {
    DeliveryRequest request = pending();

    deliver(rejection(request, Platform.TELEGRAM, 0));

    await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(1).equals(committed()));
    InMemoryStatusRepository.Row row = repository.row(request.messageId());
    assertThat(row.status()).isEqualTo(MessageStatus.FAILED);
    assertThat(row.errorMessage()).isEqualTo("max_attempts_exceeded");
  }

  @Test
  void shouldChangeNothingWhenRejectionIsStale() {
    DeliveryRequest request = pending();

    deliver(rejection(request, Platform.TELEGRAM, 1));

    await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(1).equals(committed()));
    assertThat(repository.row(request.messageId()).status()).isEqualTo(MessageStatus.PENDING);
    assertThat(registry.get(SenderMetrics.REJECTIONS).tags("applied", "false").counter().count())
        .isEqualTo(1);
  }

  @Test
  void shouldLeaveRowToOtherSenderWhenRejectionIsForOtherPlatform() {
    DeliveryRequest request = pending();

    deliver(rejection(request, Platform.WHATSAPP, 0));

    await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(1).equals(committed()));
    assertThat(repository.row(request.messageId()).status()).isEqualTo(MessageStatus.PENDING);
    assertThat(repository.calls()).isZero();
  }

  @Test
  void shouldSkipAndGoOnWhenWriteFailsWithErrorThatWouldRepeat() {
    DeliveryRequest poisoned = pending();
    DeliveryRequest next = pending();
    repository.failNextCallsPermanently(1);

    deliver(rejection(poisoned, Platform.TELEGRAM, 0), rejection(next, Platform.TELEGRAM, 0));

    await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(2).equals(committed()));
    assertThat(repository.row(poisoned.messageId()).status()).isEqualTo(MessageStatus.PENDING);
    assertThat(repository.row(next.messageId()).status()).isEqualTo(MessageStatus.FAILED);
  }

  @Test
  void shouldNotCommitUntilWrittenWhenDatabaseIsDown() {
    DeliveryRequest request = pending();
    repository.failNextCalls(Integer.MAX_VALUE);

    deliver(rejection(request, Platform.TELEGRAM, 0));

    await().atMost(Duration.ofSeconds(10)).until(() -> repository.calls() >= 3);
    assertThat(committed()).isNull();
    repository.failNextCalls(0);
    await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(1).equals(committed()));
    assertThat(repository.row(request.messageId()).status()).isEqualTo(MessageStatus.FAILED);
  }

  @Test
  void shouldStopPromptlyWithoutWaitingOutTheBackoffWhenClosedDuringAnOutage() throws Exception {
    RejectionConsumer slowPause =
        new RejectionConsumer(
            kafka,
            topic,
            Platform.TELEGRAM,
            repository,
            new SettableClock(TestRequests.SCHEDULED),
            Duration.ofMillis(5),
            new OutagePause(Duration.ofMinutes(1), Duration.ofMinutes(1)),
            new SenderMetrics(registry, "telegram"));
    DeliveryRequest request = pending();
    repository.failNextCalls(Integer.MAX_VALUE);
    kafka.schedulePollTask(
        () -> {
          kafka.rebalance(List.of(partition));
          kafka.updateBeginningOffsets(Map.of(partition, 0L));
          RejectedMessage rejection = rejection(request, Platform.TELEGRAM, 0);
          kafka.addRecord(
              new ConsumerRecord<>(
                  topic.name(), 0, 0, rejection.messageId().toString(), rejection));
        });
    slowPause.start("test-rejections-outage");
    await().atMost(Duration.ofSeconds(10)).until(() -> repository.calls() >= 1);

    // the loop now waits a minute before trying again; closing must not wait that out
    CompletableFuture.runAsync(slowPause::close).get(5, TimeUnit.SECONDS);

    assertThat(slowPause.isRunning()).isFalse();
    assertThat(committed()).isNull();
  }
}

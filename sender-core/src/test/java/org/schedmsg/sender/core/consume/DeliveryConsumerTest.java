package org.schedmsg.sender.core.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topic;
import org.schedmsg.contracts.Topics;
import org.schedmsg.sender.core.client.PlatformClient;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.core.retry.RetryPolicy;
import org.schedmsg.sender.core.testing.InMemoryStatusRepository;
import org.schedmsg.sender.core.testing.SettableClock;
import org.schedmsg.sender.core.testing.TestRequests;

class DeliveryConsumerTest {
  private final Topic<String, DeliveryRequest> topic =
      Topics.of("unit").delivery(Platform.TELEGRAM);
  private final TopicPartition partition = new TopicPartition(topic.name(), 0);
  private final Map<TopicPartition, OffsetAndMetadata> commits = new ConcurrentHashMap<>();
  private final MockConsumer<String, DeliveryRequest> kafka =
      new MockConsumer<>("earliest") {
        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
          super.commitSync(offsets);
          commits.putAll(offsets);
        }
      };
  private final SettableClock clock = new SettableClock(TestRequests.SCHEDULED.plusSeconds(1));
  private final InMemoryStatusRepository repository = new InMemoryStatusRepository(clock);
  private final List<DeliveryRequest> sent = new CopyOnWriteArrayList<>();
  private final OutagePause pause = new OutagePause(Duration.ofMillis(1), Duration.ofMillis(5));
  private PlatformClient client =
      request -> {
        sent.add(request);
        return new SendResult.Delivered("1");
      };
  private DeliveryConsumer consumer;

  @AfterEach
  void stop() {
    if (consumer != null) {
      consumer.close();
    }
  }

  private DeliveryProcessor processor;

  private void start() {
    processor =
        new DeliveryProcessor(
            Platform.TELEGRAM, repository, r -> client.send(r), new RetryPolicy(5), clock, pause);
    consumer = newConsumer(Integer.MAX_VALUE, Duration.ZERO);
    consumer.start("test-consumer");
  }

  private DeliveryConsumer newConsumer(int batchSize, Duration linger) {
    return new DeliveryConsumer(
        kafka,
        topic,
        processor,
        Duration.ofMillis(5),
        pause,
        Duration.ofMillis(500),
        clock,
        batchSize,
        linger);
  }

  private void assignAnd(Runnable then) {
    kafka.schedulePollTask(
        () -> {
          kafka.rebalance(List.of(partition));
          kafka.updateBeginningOffsets(Map.of(partition, 0L));
          then.run();
        });
  }

  private DeliveryRequest pending() {
    DeliveryRequest request = TestRequests.request(Platform.TELEGRAM, "99", "text");
    repository.insertPending(request);
    return request;
  }

  private ConsumerRecord<String, DeliveryRequest> record(long offset, DeliveryRequest value) {
    return new ConsumerRecord<>(topic.name(), 0, offset, "99", value);
  }

  private Long committed() {
    OffsetAndMetadata offset = commits.get(partition);
    return offset == null ? null : offset.offset();
  }

  @Test
  void shouldCommitOffsetsWhenBatchOutcomesAreRecorded() {
    DeliveryRequest first = pending();
    DeliveryRequest second = pending();
    assignAnd(
        () -> {
          kafka.addRecord(record(0, first));
          kafka.addRecord(record(1, second));
        });

    start();

    await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(2).equals(committed()));
    assertThat(sent).containsExactly(first, second);
    assertThat(repository.row(second.messageId()).status()).isEqualTo(MessageStatus.SENT);
  }

  /**
   * The scheduler's releases of one punctuation become visible partition by partition: a poll may
   * catch bulk messages before the urgent one of the same release. The linger poll merges them, so
   * the batch goes out most urgent first (DeliveryConsumer.LINGER).
   */
  @Test
  void shouldSendUrgentFirstWhenItArrivesInTheLingerPollAfterBulk() {
    TopicPartition other = new TopicPartition(topic.name(), 1);
    DeliveryRequest bulk = TestRequests.withPriority(pending(), 9);
    DeliveryRequest urgent = TestRequests.withPriority(pending(), 1);
    kafka.schedulePollTask(
        () -> {
          kafka.rebalance(List.of(partition, other));
          kafka.updateBeginningOffsets(Map.of(partition, 0L, other, 0L));
          kafka.addRecord(record(0, bulk));
        });
    kafka.schedulePollTask(
        () -> kafka.addRecord(new ConsumerRecord<>(topic.name(), 1, 0, "98", urgent)));
    processor =
        new DeliveryProcessor(
            Platform.TELEGRAM, repository, r -> client.send(r), new RetryPolicy(5), clock, pause);
    consumer = newConsumer(100, DeliveryConsumer.LINGER);
    consumer.start("test-consumer");

    await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 2);
    assertThat(sent)
        .extracting(DeliveryRequest::messageId)
        .containsExactly(urgent.messageId(), bulk.messageId());
  }

  /** Several instances of one platform: each paces at its share of the delivery topic. */
  @Test
  void shouldPaceAtItsShareOfPartitionsWhenAssignedPartOfTopic() {
    List<org.apache.kafka.common.PartitionInfo> four = new java.util.ArrayList<>();
    for (int p = 0; p < 4; p++) {
      four.add(new org.apache.kafka.common.PartitionInfo(topic.name(), p, null, null, null));
    }
    kafka.updatePartitions(topic.name(), four);
    TopicPartition other = new TopicPartition(topic.name(), 1);
    kafka.schedulePollTask(
        () -> {
          kafka.rebalance(List.of(partition, other));
          kafka.updateBeginningOffsets(Map.of(partition, 0L, other, 0L));
        });

    start();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> processor.rateShare().toString().equals("2/4"));
    kafka.schedulePollTask(
        () ->
            kafka.rebalance(
                List.of(
                    partition,
                    other,
                    new TopicPartition(topic.name(), 2),
                    new TopicPartition(topic.name(), 3))));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> processor.rateShare().toString().equals("4/4"));
  }

  @Test
  void shouldNotCommitWhenDatabaseIsDown() {
    DeliveryRequest request = pending();
    repository.failNextCalls(Integer.MAX_VALUE);
    assignAnd(() -> kafka.addRecord(record(0, request)));

    start();

    await().atMost(Duration.ofSeconds(10)).until(() -> repository.calls() >= 5);
    assertThat(committed()).isNull();
    assertThat(consumer.isRunning()).isTrue();
    assertThat(consumer.stallProblem(Duration.ofMinutes(5))).isNull();
    clock.advance(DeliveryConsumer.OUTAGE_GRACE.plusSeconds(1));
    assertThat(consumer.stallProblem(Duration.ofMinutes(5)))
        .as("readiness reports the stalled consumer")
        .isEqualTo("database_unavailable");

    repository.failNextCalls(0);

    await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(1).equals(committed()));
    assertThat(sent).containsExactly(request);
    assertThat(consumer.stallProblem(Duration.ofMinutes(5))).isNull();
  }

  @Test
  void shouldSkipRecordWhenItCannotBeDeserialized() {
    DeliveryRequest request = pending();
    assignAnd(
        () -> {
          kafka.setPollException(
              new RecordDeserializationException(
                  RecordDeserializationException.DeserializationExceptionOrigin.VALUE,
                  partition,
                  0L,
                  0L,
                  TimestampType.CREATE_TIME,
                  null,
                  null,
                  new RecordHeaders(),
                  "bad value",
                  null));
          kafka.schedulePollTask(() -> kafka.addRecord(record(1, request)));
        });

    start();

    await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(2).equals(committed()));
    assertThat(sent).containsExactly(request);
  }

  @Test
  void shouldKeepPollingWhenPollFails() {
    DeliveryRequest request = pending();
    assignAnd(
        () -> {
          kafka.setPollException(new KafkaException("broker gone"));
          kafka.schedulePollTask(() -> kafka.addRecord(record(0, request)));
        });

    start();

    await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(1).equals(committed()));
    assertThat(sent).containsExactly(request);
  }

  @Test
  void shouldSkipRecordWhenValueIsNull() {
    DeliveryRequest request = pending();
    assignAnd(
        () -> {
          kafka.addRecord(record(0, null));
          kafka.addRecord(record(1, request));
        });

    start();

    await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(2).equals(committed()));
    assertThat(sent).containsExactly(request);
  }

  @Test
  void shouldFinishInFlightMessageWhenClosed() throws Exception {
    DeliveryRequest request = pending();
    CountDownLatch inSend = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    client =
        r -> {
          inSend.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new SendResult.Delivered("5");
        };
    assignAnd(() -> kafka.addRecord(record(0, request)));
    start();
    assertThat(inSend.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> closing = CompletableFuture.runAsync(consumer::close);
    release.countDown();
    closing.get(10, TimeUnit.SECONDS);

    assertThat(repository.row(request.messageId()).status()).isEqualTo(MessageStatus.SENT);
    assertThat(committed()).isEqualTo(1L);
    assertThat(kafka.closed()).isTrue();
    assertThat(consumer.isRunning()).isFalse();
  }

  /**
   * Both records arrive in one poll, so they are one batch. Each outcome is written as soon as its
   * send is answered: the first is in PostgreSQL before the second send. The database goes down
   * after the second send; closing then commits nothing of the batch, and each message was sent
   * once. Redelivered, the first is stale and the second finds its attempt in flight: both are
   * skipped (the second's attempt becomes an unknown outcome when its lease ends).
   */
  @Test
  void shouldKeepEarlierOutcomesAndCommitNothingWhenClosedDuringOutageAfterLaterSend() {
    DeliveryRequest first = pending();
    DeliveryRequest second = pending();
    client =
        request -> {
          sent.add(request);
          repository.failNextCalls(request.equals(first) ? 0 : Integer.MAX_VALUE);
          return new SendResult.Delivered("1");
        };
    assignAnd(
        () -> {
          kafka.addRecord(record(0, first));
          kafka.addRecord(record(1, second));
        });
    start();
    await().atMost(Duration.ofSeconds(10)).until(() -> repository.calls() >= 5);

    consumer.close();

    assertThat(committed()).isNull();
    assertThat(sent).containsExactly(first, second);
    assertThat(repository.row(first.messageId()).status()).isEqualTo(MessageStatus.SENT);
    assertThat(repository.row(second.messageId()).status()).isEqualTo(MessageStatus.PENDING);
    assertThat(repository.attempts(second.messageId()))
        .extracting(InMemoryStatusRepository.Attempt::state)
        .containsExactly("in_flight");
    assertThat(consumer.isRunning()).isFalse();
  }

  @Test
  void shouldResumeAtHeldRecordWithoutCommittingWhenPlatformPauseEnds() {
    DeliveryRequest request = pending();
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    org.schedmsg.sender.core.throttle.ThrottleSettings settings =
        new org.schedmsg.sender.core.throttle.ThrottleSettings(
            30,
            Duration.ZERO,
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30));
    processor =
        new DeliveryProcessor(
            Platform.TELEGRAM,
            repository,
            r -> {
              sent.add(r);
              return calls.incrementAndGet() == 1
                  ? new SendResult.RateLimited(
                      "telegram:429", SendResult.Scope.PLATFORM, Duration.ofSeconds(5))
                  : new SendResult.Delivered("7");
            },
            new RetryPolicy(5),
            clock,
            pause,
            new org.schedmsg.sender.core.throttle.PlatformGate("telegram", settings),
            new org.schedmsg.sender.core.throttle.SendPacer(settings, clock, clock::advance),
            new org.schedmsg.sender.core.metrics.SenderMetrics(
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), "telegram"));
    assignAnd(() -> kafka.addRecord(record(0, request)));
    consumer = newConsumer(Integer.MAX_VALUE, Duration.ZERO);
    consumer.start("test-consumer");

    await().atMost(Duration.ofSeconds(10)).until(() -> !kafka.paused().isEmpty());
    assertThat(committed()).isNull();
    assertThat(sent).hasSize(1);
    assertThat(repository.row(request.messageId()).attempts()).isZero();

    kafka.schedulePollTask(() -> kafka.addRecord(record(0, request)));
    clock.advance(Duration.ofSeconds(5));

    await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(1).equals(committed()));
    assertThat(sent).hasSize(2);
    assertThat(repository.row(request.messageId()).status()).isEqualTo(MessageStatus.SENT);
    assertThat(repository.row(request.messageId()).attempts()).isEqualTo(1);
  }
}

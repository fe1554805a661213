package org.schedmsg.cdc.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.schedmsg.cdc.DebeziumSamples.MESSAGE_ID;
import static org.schedmsg.cdc.DebeziumSamples.SNAPSHOT_MESSAGE_ID;
import static org.schedmsg.cdc.DebeziumSamples.sample;
import static org.schedmsg.cdc.DebeziumSamples.withAfter;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.schedmsg.cdc.DebeziumSamples;
import org.schedmsg.cdc.mapping.ChangeEventMapper;
import org.schedmsg.cdc.mapping.UnmappableChangeException;
import org.schedmsg.cdc.metrics.CdcMetrics;
import org.schedmsg.contracts.CdcRecordHeaders;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.Topic;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.TraceContext;

class ChangePublisherTest {
  private static final Topic<String, ScheduledMessageChange> CDC = Topics.of("unit").cdc();

  private final RecordingCommitter committer = new RecordingCommitter();

  private static MockProducer<String, ScheduledMessageChange> producer(boolean autoComplete) {
    return new MockProducer<>(
        autoComplete, null, CDC.keySerde().serializer(), CDC.valueSerde().serializer());
  }

  private static ChangePublisher publisher(MockProducer<String, ScheduledMessageChange> producer) {
    return new ChangePublisher(producer, CDC.name(), new ChangeEventMapper());
  }

  @Test
  void shouldMarkEveryEventAfterAllAcksWhenBatchSent() throws Exception {
    MockProducer<String, ScheduledMessageChange> producer = producer(false);
    committer.onFirstMark = () -> committer.flushedAtFirstMark = producer.flushed();
    List<RecordChangeEvent<SourceRecord>> batch =
        List.of(event(sample("snapshot-read")), event(sample("insert")), event(sample("update")));

    publisher(producer).handleBatch(batch, committer);

    assertThat(producer.history())
        .extracting(ProducerRecord::topic, ProducerRecord::key, r -> r.value().op())
        .containsExactly(
            tuple(CDC.name(), SNAPSHOT_MESSAGE_ID, "r"),
            tuple(CDC.name(), MESSAGE_ID, "c"),
            tuple(CDC.name(), MESSAGE_ID, "u"));
    assertThat(committer.flushedAtFirstMark).isTrue();
    assertThat(committer.processed).containsExactlyElementsOf(batch);
    assertThat(committer.batchFinished).isTrue();
  }

  @Test
  void shouldLetInFlightBatchReachItsMarksBeforeStoppingAndLeaveLaterBatchesUnmarked()
      throws Exception {
    ChangePublisher publisher = publisher(producer(true));
    CountDownLatch marking = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    committer.onFirstMark =
        () -> {
          marking.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    List<RecordChangeEvent<SourceRecord>> inFlight = List.of(event(sample("insert")));
    Thread engine = new Thread(() -> handleQuietly(publisher, inFlight, committer));
    engine.start();
    assertThat(marking.await(10, TimeUnit.SECONDS)).isTrue();

    AtomicBoolean finishedWhenStopReturned = new AtomicBoolean();
    AtomicBoolean stopResult = new AtomicBoolean();
    Thread stopper =
        new Thread(
            () -> {
              try {
                stopResult.set(publisher.stopAfterInFlightBatch(Duration.ofSeconds(10)));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              finishedWhenStopReturned.set(committer.batchFinished);
            });
    stopper.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> stopper.getState() == Thread.State.TIMED_WAITING);
    release.countDown();
    stopper.join(10_000);
    engine.join(10_000);

    assertThat(stopResult).isTrue();
    assertThat(finishedWhenStopReturned).isTrue();
    assertThat(committer.processed).containsExactlyElementsOf(inFlight);

    MockProducer<String, ScheduledMessageChange> later = producer(true);
    RecordingCommitter laterCommitter = new RecordingCommitter();
    ChangePublisher stopped = publisher(later);
    stopped.stopAfterInFlightBatch(Duration.ZERO);
    stopped.handleBatch(List.of(event(sample("update"))), laterCommitter);
    assertThat(later.history()).isEmpty();
    assertThat(laterCommitter.processed).isEmpty();
    assertThat(laterCommitter.batchFinished).isFalse();
  }

  private static void handleQuietly(
      ChangePublisher publisher,
      List<RecordChangeEvent<SourceRecord>> batch,
      RecordingCommitter committer) {
    try {
      publisher.handleBatch(batch, committer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void shouldSendOneTombstoneKeyedByIdWhenRowDeleted() throws Exception {
    MockProducer<String, ScheduledMessageChange> producer = producer(true);
    List<RecordChangeEvent<SourceRecord>> batch = List.of(event(sample("delete")));

    publisher(producer).handleBatch(batch, committer);

    assertThat(producer.history()).hasSize(1);
    assertThat(producer.history().get(0).key()).isEqualTo(MESSAGE_ID);
    assertThat(producer.history().get(0).value()).isNull();
    assertThat(committer.processed).containsExactlyElementsOf(batch);
  }

  @Test
  void shouldCarrySchemaVersionOpAndLsnHeadersWhenSent() throws Exception {
    MockProducer<String, ScheduledMessageChange> producer = producer(true);
    SourceRecord delete = sample("delete");
    Long lsn = new ChangeEventMapper().map(delete).orElseThrow().lsn();

    publisher(producer)
        .handleBatch(
            List.of(
                event(sample("snapshot-read")),
                event(sample("insert")),
                event(sample("update")),
                event(delete)),
            committer);

    List<ProducerRecord<String, ScheduledMessageChange>> sent = producer.history();
    assertThat(sent).extracting(r -> header(r, CdcHeaders.OP)).containsExactly("r", "c", "u", "d");
    assertThat(sent.get(0).headers().lastHeader(CdcHeaders.LSN)).isNull();
    assertThat(header(sent.get(1), CdcHeaders.LSN)).isEqualTo(sent.get(1).value().lsn().toString());
    assertThat(header(sent.get(2), CdcHeaders.LSN)).isEqualTo(sent.get(2).value().lsn().toString());
    assertThat(lsn).isNotNull();
    assertThat(header(sent.get(3), CdcHeaders.LSN)).isEqualTo(lsn.toString());
    for (ProducerRecord<String, ScheduledMessageChange> record : sent) {
      assertThat(header(record, CdcHeaders.SCHEMA_VERSION)).isEqualTo("1");
      assertThat(header(record, CdcRecordHeaders.TRACEPARENT))
          .isEqualTo(
              TraceContext.traceparent(UUID.fromString(record.key()), 0, TraceContext.Hop.CHANGE));
    }
  }

  private static String header(ProducerRecord<String, ?> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldMarkWithoutSendingWhenEventIsDebeziumTombstone() throws Exception {
    MockProducer<String, ScheduledMessageChange> producer = producer(true);
    List<RecordChangeEvent<SourceRecord>> batch = List.of(event(DebeziumSamples.tombstone()));

    publisher(producer).handleBatch(batch, committer);

    assertThat(producer.history()).isEmpty();
    assertThat(committer.processed).containsExactlyElementsOf(batch);
    assertThat(committer.batchFinished).isTrue();
  }

  @Test
  void shouldThrowAndMarkNothingWhenKafkaFailsAnAck() {
    MockProducer<String, ScheduledMessageChange> producer =
        new MockProducer<>(
            false, null, CDC.keySerde().serializer(), CDC.valueSerde().serializer()) {
          @Override
          public synchronized void flush() {
            errorNext(new TimeoutException("delivery timed out"));
            super.flush();
          }
        };
    List<RecordChangeEvent<SourceRecord>> batch =
        List.of(event(sample("insert")), event(sample("update")));

    assertThatThrownBy(() -> publisher(producer).handleBatch(batch, committer))
        .isInstanceOf(CdcPublishException.class)
        .hasMessageContaining(MESSAGE_ID)
        .hasMessageContaining(CDC.name())
        .hasCauseInstanceOf(TimeoutException.class);
    assertThat(committer.processed).isEmpty();
    assertThat(committer.batchFinished).isFalse();
  }

  @Test
  void shouldThrowAndMarkNothingWhenSendFailsAtOnce() {
    MockProducer<String, ScheduledMessageChange> producer = producer(true);
    producer.sendException = new TimeoutException("no metadata for topic");
    List<RecordChangeEvent<SourceRecord>> batch = List.of(event(sample("insert")));

    assertThatThrownBy(() -> publisher(producer).handleBatch(batch, committer))
        .isInstanceOf(CdcPublishException.class)
        .hasMessageContaining(MESSAGE_ID);
    assertThat(committer.processed).isEmpty();
  }

  @Test
  void shouldSendNothingAndMarkNothingWhenARowCannotBeMapped() {
    MockProducer<String, ScheduledMessageChange> producer = producer(true);
    List<RecordChangeEvent<SourceRecord>> batch =
        List.of(
            event(sample("snapshot-read")),
            event(withAfter("insert", row -> row.put("platform", "sms"))));

    assertThatThrownBy(() -> publisher(producer).handleBatch(batch, committer))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining(MESSAGE_ID);
    assertThat(producer.history()).isEmpty();
    assertThat(committer.processed).isEmpty();
  }

  @Test
  void shouldMarkWithoutSendingWhenEventIsHeartbeat() throws Exception {
    MockProducer<String, ScheduledMessageChange> producer = producer(true);
    List<RecordChangeEvent<SourceRecord>> batch = List.of(event(DebeziumSamples.heartbeat()));

    publisher(producer).handleBatch(batch, committer);

    assertThat(producer.history()).isEmpty();
    assertThat(committer.processed).containsExactlyElementsOf(batch);
    assertThat(committer.batchFinished).isTrue();
  }

  @Test
  void shouldCountChangesAndTimeCommitToAckWhenKafkaAcknowledges() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    SourceRecord insert = sample("insert");
    Instant committedAt = new ChangeEventMapper().map(insert).orElseThrow().value().committedAt();
    Instant ackedAt = committedAt.plusMillis(42);
    CdcMetrics metrics = new CdcMetrics(registry, Clock.fixed(ackedAt, ZoneOffset.UTC));
    ChangePublisher publisher =
        new ChangePublisher(producer(true), CDC.name(), new ChangeEventMapper(), metrics);

    publisher.handleBatch(
        List.of(event(sample("snapshot-read")), event(insert), event(sample("delete"))), committer);

    assertThat(registry.get(CdcMetrics.CHANGES).tag("op", "r").counter().count()).isEqualTo(1);
    assertThat(registry.get(CdcMetrics.CHANGES).tag("op", "c").counter().count()).isEqualTo(1);
    assertThat(registry.get(CdcMetrics.CHANGES).tag("op", "d").counter().count()).isEqualTo(1);
    Timer lag = registry.get(CdcMetrics.LAG).timer();
    assertThat(lag.count()).isEqualTo(1);
    assertThat(lag.max(TimeUnit.MILLISECONDS)).isEqualTo(42.0, within(1.0));
  }

  private static RecordChangeEvent<SourceRecord> event(SourceRecord record) {
    return new TestEvent(record);
  }

  /** What the engine hands over in the Connect format. */
  private record TestEvent(SourceRecord record) implements RecordChangeEvent<SourceRecord> {}

  private static final class RecordingCommitter
      implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {
    final List<RecordChangeEvent<SourceRecord>> processed = new ArrayList<>();
    volatile boolean batchFinished;
    Runnable onFirstMark = () -> {};
    boolean flushedAtFirstMark;

    @Override
    public void markProcessed(RecordChangeEvent<SourceRecord> record) {
      if (processed.isEmpty()) {
        onFirstMark.run();
      }
      processed.add(record);
    }

    @Override
    public void markBatchFinished() {
      batchFinished = true;
    }

    @Override
    public void markProcessed(
        RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets sourceOffsets) {
      markProcessed(record);
    }

    @Override
    public DebeziumEngine.Offsets buildOffsets() {
      throw new UnsupportedOperationException();
    }
  }
}

package org.schedmsg.cdc.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.schedmsg.cdc.DebeziumSamples.MESSAGE_ID;
import static org.schedmsg.cdc.DebeziumSamples.SNAPSHOT_MESSAGE_ID;
import static org.schedmsg.cdc.DebeziumSamples.sample;
import static org.schedmsg.cdc.DebeziumSamples.withAfter;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.schedmsg.cdc.mapping.ChangeEventMapper;
import org.schedmsg.cdc.mapping.UnmappableChangeException;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.Topic;
import org.schedmsg.contracts.Topics;

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
    List<ChangeEvent<String, String>> batch =
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
  void shouldSendOneTombstoneKeyedByIdWhenRowDeleted() throws Exception {
    MockProducer<String, ScheduledMessageChange> producer = producer(true);
    List<ChangeEvent<String, String>> batch = List.of(event(sample("delete")));

    publisher(producer).handleBatch(batch, committer);

    assertThat(producer.history()).hasSize(1);
    assertThat(producer.history().get(0).key()).isEqualTo(MESSAGE_ID);
    assertThat(producer.history().get(0).value()).isNull();
    assertThat(committer.processed).containsExactlyElementsOf(batch);
  }

  @Test
  void shouldMarkWithoutSendingWhenEventHasNoValue() throws Exception {
    MockProducer<String, ScheduledMessageChange> producer = producer(true);
    List<ChangeEvent<String, String>> batch = List.of(event(null));

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
    List<ChangeEvent<String, String>> batch =
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
    List<ChangeEvent<String, String>> batch = List.of(event(sample("insert")));

    assertThatThrownBy(() -> publisher(producer).handleBatch(batch, committer))
        .isInstanceOf(CdcPublishException.class)
        .hasMessageContaining(MESSAGE_ID);
    assertThat(committer.processed).isEmpty();
  }

  @Test
  void shouldSendNothingAndMarkNothingWhenARowCannotBeMapped() {
    MockProducer<String, ScheduledMessageChange> producer = producer(true);
    List<ChangeEvent<String, String>> batch =
        List.of(
            event(sample("snapshot-read")),
            event(withAfter("insert", row -> row.put("platform", "sms"))));

    assertThatThrownBy(() -> publisher(producer).handleBatch(batch, committer))
        .isInstanceOf(UnmappableChangeException.class)
        .hasMessageContaining(MESSAGE_ID);
    assertThat(producer.history()).isEmpty();
    assertThat(committer.processed).isEmpty();
  }

  private static ChangeEvent<String, String> event(String value) {
    return new TestEvent(value);
  }

  private record TestEvent(String value) implements ChangeEvent<String, String> {
    @Override
    public String key() {
      return null;
    }

    @Override
    public String destination() {
      return "schedmsg.public.scheduled_messages";
    }

    @Override
    public Integer partition() {
      return null;
    }
  }

  private static final class RecordingCommitter
      implements DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> {
    final List<ChangeEvent<String, String>> processed = new ArrayList<>();
    boolean batchFinished;
    Runnable onFirstMark = () -> {};
    boolean flushedAtFirstMark;

    @Override
    public void markProcessed(ChangeEvent<String, String> record) {
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
        ChangeEvent<String, String> record, DebeziumEngine.Offsets sourceOffsets) {
      markProcessed(record);
    }

    @Override
    public DebeziumEngine.Offsets buildOffsets() {
      throw new UnsupportedOperationException();
    }
  }
}

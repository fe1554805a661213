package org.schedmsg.cdc.publish;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.connect.source.SourceRecord;
import org.schedmsg.cdc.mapping.CdcRecord;
import org.schedmsg.cdc.mapping.ChangeEventMapper;
import org.schedmsg.cdc.metrics.CdcMetrics;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's batch consumer (at-least-once): maps every event of a batch, sends the records,
 * waits until Kafka has acknowledged all of them, and only then marks the events processed, so
 * Debezium never stores an offset past a change that is not in Kafka. Any failure is thrown out of
 * {@link #handleBatch}, which stops the engine; nothing of the failed batch is marked.
 *
 * <p>Debezium's heartbeat events (destination {@value #HEARTBEAT_PREFIX}...) are marked processed
 * without being sent: marking them is what moves the stored offset, and with it the slot, forward
 * while the table is quiet.
 *
 * <p>Stopping: Debezium stops its engine by interrupting the thread inside {@link #handleBatch}. A
 * batch interrupted after Kafka acknowledged it but before it was marked is in the topic, yet its
 * offset is not stored: after the restart it is sent again (on a first start: the whole snapshot).
 * {@link #stopAfterInFlightBatch} closes that window before the engine is stopped.
 */
public final class ChangePublisher
    implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
  private static final Logger log = LoggerFactory.getLogger(ChangePublisher.class);

  /** Debezium's {@code topic.heartbeat.prefix}, set explicitly in the engine's properties. */
  public static final String HEARTBEAT_PREFIX = "__debezium-heartbeat";

  private final Producer<String, ScheduledMessageChange> producer;
  private final String topic;
  private final ChangeEventMapper mapper;
  private final CdcMetrics metrics;
  private final ReentrantLock inFlight = new ReentrantLock();
  private volatile boolean stopping;

  /** {@code producer} must use the CDC topic's serializers (key String, value JSON). */
  public ChangePublisher(
      Producer<String, ScheduledMessageChange> producer, String topic, ChangeEventMapper mapper) {
    this(producer, topic, mapper, new CdcMetrics(new SimpleMeterRegistry(), Clock.systemUTC()));
  }

  public ChangePublisher(
      Producer<String, ScheduledMessageChange> producer,
      String topic,
      ChangeEventMapper mapper,
      CdcMetrics metrics) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public void handleBatch(
      List<RecordChangeEvent<SourceRecord>> events,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
      throws InterruptedException {
    inFlight.lockInterruptibly();
    try {
      if (stopping) {
        log.debug(
            "stopping: {} changes left unmarked, read again after the restart", events.size());
        return;
      }
      forward(events, committer);
    } finally {
      inFlight.unlock();
    }
  }

  /**
   * Lets the batch being handed to Kafka finish, marks included, and leaves every later batch
   * unmarked (Debezium reads it again after a restart). Call it before stopping the engine.
   *
   * @return false if the batch in flight did not finish within {@code timeout}
   */
  public boolean stopAfterInFlightBatch(Duration timeout) throws InterruptedException {
    stopping = true;
    if (!inFlight.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return false;
    }
    inFlight.unlock();
    return true;
  }

  private void forward(
      List<RecordChangeEvent<SourceRecord>> events,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
      throws InterruptedException {
    List<CdcRecord> records = new ArrayList<>(events.size());
    for (RecordChangeEvent<SourceRecord> event : events) {
      if (!isHeartbeat(event)) {
        mapper.map(event.record()).ifPresent(records::add);
      }
    }
    List<Future<RecordMetadata>> acks = send(records);
    awaitAcks(records, acks);
    for (RecordChangeEvent<SourceRecord> event : events) {
      committer.markProcessed(event);
    }
    committer.markBatchFinished();
    log.debug("forwarded {} changes to {}", records.size(), topic);
  }

  private List<Future<RecordMetadata>> send(List<CdcRecord> records) throws InterruptedException {
    List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
    for (CdcRecord record : records) {
      try {
        ScheduledMessageChange value = record.value();
        acks.add(
            producer.send(
                new ProducerRecord<>(topic, null, record.key(), value, CdcHeaders.of(record)),
                (metadata, error) -> {
                  if (error == null) {
                    metrics.acknowledged(value);
                  }
                }));
      } catch (InterruptException e) {
        throw interrupted();
      } catch (KafkaException e) {
        throw failure(record, e);
      }
    }
    return acks;
  }

  private void awaitAcks(List<CdcRecord> records, List<Future<RecordMetadata>> acks)
      throws InterruptedException {
    try {
      producer.flush();
    } catch (InterruptException e) {
      throw interrupted();
    } catch (KafkaException e) {
      throw new CdcPublishException(
          "could not flush a batch of " + records.size() + " changes to " + topic + stopping(), e);
    }
    for (int i = 0; i < acks.size(); i++) {
      try {
        acks.get(i).get();
      } catch (ExecutionException e) {
        throw failure(records.get(i), e.getCause());
      }
    }
  }

  private static boolean isHeartbeat(RecordChangeEvent<SourceRecord> event) {
    String destination = event.record().topic();
    return destination != null && destination.startsWith(HEARTBEAT_PREFIX);
  }

  /** Kafka's unchecked InterruptException re-set the flag; it travels as the checked kind. */
  private static InterruptedException interrupted() {
    Thread.interrupted();
    return new InterruptedException("interrupted while handing a batch to Kafka");
  }

  private CdcPublishException failure(CdcRecord record, Throwable cause) {
    return new CdcPublishException(
        "Kafka did not take the change of message " + record.key() + " on " + topic + stopping(),
        cause);
  }

  private static String stopping() {
    return "; stopping the engine without committing the batch, which is sent again on restart";
  }
}

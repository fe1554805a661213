package org.schedmsg.sender.core.consume;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.contracts.Topic;
import org.schedmsg.sender.core.config.SenderConfig;
import org.schedmsg.sender.core.metrics.SenderMetrics;
import org.schedmsg.sender.core.status.MessageStatusRepository;
import org.schedmsg.sender.core.status.StatusStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the scheduler's rejections of this sender's platform to PostgreSQL: each {@link
 * RejectedMessage} fails its row ({@code error_message = reason}) by a compare-and-set on {@code
 * (status = 'pending', attempts, scheduled_time)}, so a stale rejection changes nothing. Its own
 * consumer group, {@code read_committed}; offsets are committed only after the writes. Rejections
 * of the other platform are passed over (that platform's sender handles them). The loop, its pauses
 * and its close are {@link PollLoop}'s, as the delivery consumer's.
 */
public final class RejectionConsumer extends PollLoop<RejectedMessage> {
  private static final Logger LOG = LoggerFactory.getLogger(RejectionConsumer.class);

  private final Topic<String, RejectedMessage> topic;
  private final Platform platform;
  private final MessageStatusRepository repository;
  private final Clock clock;
  private final Duration pollTimeout;
  private final SenderMetrics metrics;

  public RejectionConsumer(
      Consumer<String, RejectedMessage> consumer,
      Topic<String, RejectedMessage> topic,
      Platform platform,
      MessageStatusRepository repository,
      Clock clock,
      Duration pollTimeout,
      OutagePause outagePause,
      SenderMetrics metrics) {
    super(
        consumer,
        Objects.requireNonNull(topic, "topic").name(),
        outagePause,
        DeliveryConsumer.SHUTDOWN_GRACE,
        LOG);
    this.topic = topic;
    this.platform = Objects.requireNonNull(platform, "platform");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** A consumer of {@code config}'s rejections topic in its rejections group. */
  public static RejectionConsumer create(
      SenderConfig config,
      MessageStatusRepository repository,
      Clock clock,
      OutagePause outagePause,
      SenderMetrics metrics) {
    Topic<String, RejectedMessage> topic = config.rejectionsTopic();
    KafkaConsumer<String, RejectedMessage> consumer =
        new KafkaConsumer<>(
            config.rejectionConsumerProperties(),
            topic.keySerde().deserializer(),
            topic.valueSerde().deserializer());
    return new RejectionConsumer(
        consumer,
        topic,
        config.platform(),
        repository,
        clock,
        config.pollTimeout(),
        outagePause,
        metrics);
  }

  @Override
  protected void subscribe() {
    consumer.subscribe(List.of(topic.name()));
  }

  @Override
  protected void pollOnce() {
    pollAndApply();
  }

  private void pollAndApply() {
    ConsumerRecords<String, RejectedMessage> records;
    try {
      records = consumer.poll(pollTimeout);
    } catch (RecordDeserializationException e) {
      LOG.error(
          "rejection {}@{} cannot be deserialized; skipped", e.topicPartition(), e.offset(), e);
      consumer.seek(e.topicPartition(), e.offset() + 1);
      commit(Map.of(e.topicPartition(), new OffsetAndMetadata(e.offset() + 1)));
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    for (ConsumerRecord<String, RejectedMessage> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      if (!running() || !applyWithRetry(record.value())) {
        OffsetAndMetadata processed = done.get(partition);
        consumer.seek(partition, processed != null ? processed.offset() : record.offset());
        break;
      }
      done.put(partition, new OffsetAndMetadata(record.offset() + 1));
    }
    commit(done);
  }

  /** True when {@code rejection} is done (written, stale or not ours); false when stopping. */
  boolean applyWithRetry(RejectedMessage rejection) {
    if (rejection == null || rejection.platform() != platform) {
      return true;
    }
    if (rejection.messageId() == null || rejection.scheduledTime() == null) {
      LOG.warn("rejection without message id or scheduled time; skipped");
      return true;
    }
    for (int failures = 1; ; failures++) {
      try {
        boolean applied = repository.reject(rejection, clock.instant());
        metrics.rejection(applied);
        LOG.info(
            "rejection messageId={} platform={} rowVersion={} reason={} applied={}",
            rejection.messageId(),
            platform.id(),
            rejection.rowVersion(),
            rejection.reason(),
            applied);
        return true;
      } catch (StatusStoreException e) {
        if (!e.isTransient()) {
          // an error that would repeat on every try: never stall the platform's rejections on it
          metrics.rejection(false);
          LOG.error(
              "rejection messageId={} platform={}: cannot be written (SQLState {}); skipped",
              rejection.messageId(),
              platform.id(),
              e.sqlState(),
              e);
          return true;
        }
        LOG.warn("rejection messageId={}: status store unavailable", rejection.messageId(), e);
        if (!running() || !outagePause.await(failures)) {
          return false;
        }
      }
    }
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    commit(offsets, "those rejections will be applied again (no effect)");
  }
}

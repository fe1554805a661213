package org.schedmsg.sender.core.consume;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Topic;
import org.schedmsg.sender.core.config.SenderConfig;
import org.schedmsg.sender.core.status.StatusStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop of one sender, on its own thread: poll the delivery topic, hand the polled records
 * to the processor as one batch (claimed in one transaction, sent concurrently, recorded in one
 * transaction), and commit the offsets only after the batch's outcomes are in PostgreSQL.
 *
 * <ul>
 *   <li>A record that cannot be deserialized is logged with topic/partition/offset and skipped.
 *   <li>A database outage does not commit: the record is retried after a pause, and the loop stays
 *       alive.
 *   <li>A record {@link Outcome#HELD} (the platform is paused) is not committed, nor is any later
 *       record of its partition: the consumer rewinds to it, pauses its partitions until the pause
 *       ends, and then processes them again (the ones already done are skipped as claimed).
 *   <li>Any other Kafka error is logged and the loop polls again after a pause.
 *   <li>{@link #close()} lets the platform calls in flight finish, starts no new one (their claims
 *       are given back), commits what is done and leaves the group; the rest of the batch is
 *       redelivered to the next owner (and skipped there if already done).
 * </ul>
 */
public final class DeliveryConsumer extends PollLoop<DeliveryRequest> {
  /** How long {@link #close()} waits for the in-flight message before interrupting it. */
  public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

  /**
   * After a poll that returned less than a full batch, how long to wait for more before
   * dispatching. The scheduler's releases of one punctuation become visible partition by partition
   * as its transaction commits, so a fetch can catch part of them; dispatched alone, that part's
   * bulk messages would go out before the rest's urgent ones, which then wait for the whole batch
   * (the fault suite saw 250-400 ms inversions). The rest arrives within a few milliseconds;
   * merged, the batch is dispatched most urgent first.
   */
  public static final Duration LINGER = Duration.ofMillis(50);

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryConsumer.class);

  private final Topic<String, DeliveryRequest> topic;
  private final DeliveryProcessor processor;
  private final Duration pollTimeout;
  private final int batchSize;
  private final Duration linger;

  /** How long a database outage may hold the loop before readiness reports it. */
  public static final Duration OUTAGE_GRACE = Duration.ofSeconds(30);

  private final Clock clock;
  private volatile Instant lastProgress;
  private volatile Instant outageSince;

  /**
   * @param shutdownGrace how long {@link #close()} lets the in-flight message finish before
   *     interrupting it ({@link #SHUTDOWN_GRACE} in production)
   * @param clock for the readiness of the loop ({@link #stallProblem})
   * @param batchSize the consumer's {@code max.poll.records}: a poll that returned fewer lingers
   * @param linger how long a poll that returned less than a full batch waits for more ({@link
   *     #LINGER} in production; zero: never)
   */
  public DeliveryConsumer(
      Consumer<String, DeliveryRequest> consumer,
      Topic<String, DeliveryRequest> topic,
      DeliveryProcessor processor,
      Duration pollTimeout,
      OutagePause outagePause,
      Duration shutdownGrace,
      Clock clock,
      int batchSize,
      Duration linger) {
    super(consumer, topic.name(), outagePause, shutdownGrace, LOG);
    this.batchSize = batchSize;
    this.linger = Objects.requireNonNull(linger, "linger");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lastProgress = clock.instant();
    this.topic = topic;
    this.processor = Objects.requireNonNull(processor, "processor");
    this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
  }

  /** A consumer of {@code config}'s input topic, with the topic's serdes. */
  public static DeliveryConsumer create(
      SenderConfig config, DeliveryProcessor processor, OutagePause outagePause) {
    Topic<String, DeliveryRequest> topic = config.inputTopic();
    KafkaConsumer<String, DeliveryRequest> consumer =
        new KafkaConsumer<>(
            config.consumerProperties(),
            topic.keySerde().deserializer(),
            topic.valueSerde().deserializer());
    return new DeliveryConsumer(
        consumer,
        topic,
        processor,
        config.pollTimeout(),
        outagePause,
        SHUTDOWN_GRACE,
        Clock.systemUTC(),
        config.batchSize(),
        LINGER);
  }

  @Override
  protected void subscribe() {
    consumer.subscribe(List.of(topic.name()), new ShareFollowsPartitions());
  }

  @Override
  protected void pollOnce() {
    pollAndProcess();
  }

  @Override
  protected void stepDone() {
    lastProgress = clock.instant();
  }

  /**
   * Keeps the processor's {@link org.schedmsg.sender.core.throttle.RateShare} at the partitions
   * this instance owns over the topic's partitions, so several instances keep the platform's rate
   * in aggregate. Runs on the loop's thread, inside {@code poll}.
   */
  private final class ShareFollowsPartitions implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      Set<TopicPartition> kept = new HashSet<>(consumer.assignment());
      kept.removeAll(revoked);
      follow(kept.size());
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      follow(consumer.assignment().size());
    }

    private void follow(int owned) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic.name());
      int total = Math.max(owned, partitions == null ? 0 : partitions.size());
      if (total == 0) {
        return;
      }
      processor.rateShare().set(owned, total);
      LOG.info(
          "owning {} of {} partitions of {}: pacing at that share of the rate",
          owned,
          total,
          topic.name());
    }
  }

  /**
   * While the platform is paused (rate limit, fatal error) the consumer stays in its group but
   * fetches nothing; when the pause ends it resumes at the held record.
   */
  private void followPlatformPause() {
    if (!processor.isPlatformOpen()) {
      consumer.pause(consumer.assignment());
    } else if (!consumer.paused().isEmpty()) {
      consumer.resume(consumer.paused());
    }
  }

  private void pollAndProcess() {
    followPlatformPause();
    ConsumerRecords<String, DeliveryRequest> records;
    try {
      records = consumer.poll(pollTimeout);
    } catch (RecordDeserializationException e) {
      skipUndecodable(e);
      return;
    }
    if (!records.isEmpty() && records.count() < batchSize && !linger.isZero()) {
      records = merged(records, lingerPoll());
    }
    if (records.isEmpty()) {
      return;
    }
    process(records);
  }

  /**
   * A second poll of up to {@link #linger}; an undecodable record there ends it (the first poll's
   * records are processed now, the next poll meets the record again and skips it).
   */
  private ConsumerRecords<String, DeliveryRequest> lingerPoll() {
    try {
      return consumer.poll(linger);
    } catch (RecordDeserializationException e) {
      return ConsumerRecords.empty();
    }
  }

  private void process(ConsumerRecords<String, DeliveryRequest> records) {
    List<ConsumerRecord<String, DeliveryRequest>> batch = new ArrayList<>(records.count());
    for (ConsumerRecord<String, DeliveryRequest> record : records) {
      if (record.value() == null) {
        LOG.warn(
            "record {}-{}@{} has no value; skipped",
            record.topic(),
            record.partition(),
            record.offset());
      } else {
        batch.add(record);
      }
    }
    List<Outcome> outcomes = batch.isEmpty() ? List.of() : processWithRetry(batch);
    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    Set<TopicPartition> stopped = new HashSet<>();
    int next = 0;
    for (ConsumerRecord<String, DeliveryRequest> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      // HELD (the platform is paused) or not processed (stopping): leave it and the rest of its
      // partition uncommitted and come back to them
      boolean undone =
          record.value() != null && (outcomes == null || outcomes.get(next++) == Outcome.HELD);
      if (undone) {
        stopped.add(partition);
      }
      if (!stopped.contains(partition)) {
        done.put(partition, new OffsetAndMetadata(record.offset() + 1));
      }
    }
    if (!stopped.isEmpty()) {
      rewindUnprocessed(records, done);
    }
    commit(done);
  }

  /** The records of two consecutive polls as one, in partition order. */
  private static ConsumerRecords<String, DeliveryRequest> merged(
      ConsumerRecords<String, DeliveryRequest> first,
      ConsumerRecords<String, DeliveryRequest> more) {
    if (more.isEmpty()) {
      return first;
    }
    Map<TopicPartition, List<ConsumerRecord<String, DeliveryRequest>>> byPartition =
        new HashMap<>();
    for (ConsumerRecords<String, DeliveryRequest> part : List.of(first, more)) {
      for (TopicPartition partition : part.partitions()) {
        byPartition
            .computeIfAbsent(partition, p -> new ArrayList<>())
            .addAll(part.records(partition));
      }
    }
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>(first.nextOffsets());
    next.putAll(more.nextOffsets());
    return new ConsumerRecords<>(byPartition, next);
  }

  /** Seeks back to the first unprocessed record of each partition, so none is passed over. */
  private void rewindUnprocessed(
      ConsumerRecords<String, DeliveryRequest> records,
      Map<TopicPartition, OffsetAndMetadata> done) {
    for (TopicPartition partition : records.partitions()) {
      OffsetAndMetadata processed = done.get(partition);
      long next =
          processed != null ? processed.offset() : records.records(partition).get(0).offset();
      consumer.seek(partition, next);
    }
  }

  /**
   * The outcome of each record of {@code batch}, or null when none may be committed (stopping
   * during a database outage, or an outcome that could not be written).
   */
  private List<Outcome> processWithRetry(List<ConsumerRecord<String, DeliveryRequest>> batch) {
    List<DeliveryRequest> requests = new ArrayList<>(batch.size());
    for (ConsumerRecord<String, DeliveryRequest> record : batch) {
      requests.add(record.value());
    }
    ConsumerRecord<String, DeliveryRequest> first = batch.get(0);
    for (int failures = 1; ; failures++) {
      try {
        List<Outcome> outcomes = processor.processBatch(requests, () -> !running());
        outageSince = null;
        return outcomes;
      } catch (StatusStoreException e) {
        if (outageSince == null) {
          outageSince = clock.instant();
        }
        LOG.warn(
            "batch of {} from {}-{}@{}: status store unavailable; retrying after {} ms",
            batch.size(),
            first.topic(),
            first.partition(),
            first.offset(),
            outagePause.delay(failures).toMillis(),
            e);
        if (!running() || !outagePause.await(failures)) {
          return null;
        }
      } catch (OutcomeNotRecordedException e) {
        LOG.error(
            "batch of {} from {}-{}@{}: offsets not committed",
            batch.size(),
            first.topic(),
            first.partition(),
            first.offset(),
            e);
        return null;
      } catch (RuntimeException e) {
        LOG.error(
            "batch of {} from {}-{}@{}: processing failed unexpectedly; skipped, the rows stay"
                + " pending and the scheduler releases them again",
            batch.size(),
            first.topic(),
            first.partition(),
            first.offset(),
            e);
        return Collections.nCopies(batch.size(), Outcome.SKIPPED);
      }
    }
  }

  private void skipUndecodable(RecordDeserializationException e) {
    TopicPartition partition = e.topicPartition();
    long next = e.offset() + 1;
    LOG.error(
        "record {}@{} ({}) cannot be deserialized; skipped", partition, e.offset(), e.origin(), e);
    consumer.seek(partition, next);
    commit(Map.of(partition, new OffsetAndMetadata(next)));
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    commit(offsets, "those records will be redelivered and skipped as already claimed");
  }

  /**
   * For readiness: {@code database_unavailable} while a database outage has held the loop for
   * longer than {@link #OUTAGE_GRACE}, {@code consumer_stalled} when no poll has finished within
   * {@code stallTimeout}; null while the loop makes progress.
   */
  public String stallProblem(Duration stallTimeout) {
    Instant now = clock.instant();
    Instant outage = outageSince;
    if (outage != null && Duration.between(outage, now).compareTo(OUTAGE_GRACE) > 0) {
      return "database_unavailable";
    }
    if (Duration.between(lastProgress, now).compareTo(stallTimeout) > 0) {
      return "consumer_stalled";
    }
    return null;
  }
}

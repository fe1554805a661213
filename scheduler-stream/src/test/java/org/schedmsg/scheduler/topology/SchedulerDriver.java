package org.schedmsg.scheduler.topology;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.Topic;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.schedmsg.scheduler.MessageRow;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.scheduler.metrics.SchedulerMetrics;
import org.schedmsg.scheduler.processor.SenderBacklog;
import org.schedmsg.scheduler.processor.TaskShare;
import org.schedmsg.scheduler.store.DueIndex;
import org.schedmsg.scheduler.store.PendingMessage;
import org.schedmsg.scheduler.store.PendingMessageSerde;

/**
 * A {@link TopologyTestDriver} of the scheduler topology with real RocksDB stores, its input and
 * output topics, its meters and a test clock that only moves when told. Close it after each test.
 */
final class SchedulerDriver implements AutoCloseable {
  static final Instant START = Instant.parse("2026-11-28T08:00:00Z");
  static final Duration INTERVAL = Duration.ofMillis(100);
  static final Duration LEASE = Duration.ofSeconds(30);

  /** High enough that the rate never limits a test that is not about it. */
  static final int UNLIMITED_RATE = 100_000;

  final SchedulerConfig config;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final TopologyTestDriver driver;
  final TestInputTopic<String, ScheduledMessageChange> cdc;
  final TestOutputTopic<String, DeliveryRequest> telegram;
  final TestOutputTopic<String, DeliveryRequest> whatsapp;
  final TestOutputTopic<String, RejectedMessage> rejections;
  private Instant now = START;
  private boolean stoppedForRestart;

  SchedulerDriver(SchedulerConfig config) {
    this(config, config.toStreamsProperties(), SenderBacklog.UNMEASURED);
  }

  /**
   * A driver of the same topology over a copy of this driver's state directory, as a restarted
   * instance finds it on disk. The {@code messages} store is closed first (RocksDB writes its
   * memtable to disk on close; a commit does not), then copied, since {@link
   * TopologyTestDriver#close()} deletes the state directory. This driver is stopped: use only the
   * new one, and close both.
   */
  SchedulerDriver restartedOnCopy(Path copyDir) throws IOException {
    stoppedForRestart = true;
    messages().close();
    copyTree(config.stateDir(), copyDir);
    SchedulerConfig copied =
        new SchedulerConfig(
            config.bootstrapServers(),
            config.kafkaClient(),
            config.topicNamespace(),
            config.applicationId(),
            copyDir,
            config.punctuateInterval(),
            config.commitInterval(),
            config.maxReleasesPerPunctuation(),
            config.lease(),
            config.retryBackoffBase(),
            config.retryBackoffMax(),
            config.replicationFactor(),
            config.maxAttempts(),
            config.releaseRates(),
            config.standbyReplicas(),
            config.sessionTimeout(),
            config.maxUnsent(),
            config.maxUnsentTime(),
            config.senderGroups(),
            config.catchUpLag());
    return new SchedulerDriver(copied);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> tree = Files.walk(from)) {
      for (Path source : tree.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** A driver whose releases are held back by {@code backlog}'s measurements. */
  SchedulerDriver(SchedulerConfig config, SenderBacklog backlog) {
    this(config, config.toStreamsProperties(), backlog);
  }

  /** A driver of one task of a CDC topic with {@code share}'s partitions. */
  SchedulerDriver(SchedulerConfig config, TaskShare share) {
    this(config, config.toStreamsProperties(), SenderBacklog.UNMEASURED, share);
  }

  private SchedulerDriver(SchedulerConfig config, Properties properties, SenderBacklog backlog) {
    this(config, properties, backlog, TaskShare.WHOLE);
  }

  private SchedulerDriver(
      SchedulerConfig config, Properties properties, SenderBacklog backlog, TaskShare share) {
    this.config = config;
    driver =
        new TopologyTestDriver(
            SchedulerTopology.build(config, registry, backlog, share), properties, START);
    Topics topics = config.topics();
    Topic<String, ScheduledMessageChange> cdcTopic = topics.cdc();
    cdc =
        driver.createInputTopic(
            cdcTopic.name(), cdcTopic.keySerde().serializer(), cdcTopic.valueSerde().serializer());
    telegram = output(topics.delivery(Platform.TELEGRAM));
    whatsapp = output(topics.delivery(Platform.WHATSAPP));
    Topic<String, RejectedMessage> rejected = topics.rejections();
    rejections =
        driver.createOutputTopic(
            rejected.name(),
            rejected.keySerde().deserializer(),
            rejected.valueSerde().deserializer());
  }

  /** A config with the test interval and lease, {@code maxWork} and the same rate per platform. */
  static SchedulerConfig config(Path stateDir, int maxWork, int rate, int maxAttempts) {
    return config(stateDir, maxWork, rate, maxAttempts, SchedulerConfig.DEFAULT_MAX_UNSENT);
  }

  /** As above, with {@code maxUnsent} outstanding releases per platform (0: no limit). */
  static SchedulerConfig config(
      Path stateDir, int maxWork, int rate, int maxAttempts, int maxUnsent) {
    return new SchedulerConfig(
        "localhost:9092",
        KafkaClientSettings.none(),
        "test",
        "test-scheduler",
        stateDir,
        INTERVAL,
        INTERVAL,
        maxWork,
        LEASE,
        SchedulerConfig.DEFAULT_RETRY_BACKOFF_BASE,
        SchedulerConfig.DEFAULT_RETRY_BACKOFF_MAX,
        SchedulerConfig.DEFAULT_REPLICATION_FACTOR,
        maxAttempts,
        SchedulerConfig.perPlatform(p -> rate),
        SchedulerConfig.DEFAULT_STANDBY_REPLICAS,
        SchedulerConfig.DEFAULT_SESSION_TIMEOUT,
        maxUnsent,
        SchedulerConfig.DEFAULT_MAX_UNSENT_TIME,
        SchedulerConfig.perPlatform(p -> "test-sender-" + p.id()),
        SchedulerConfig.DEFAULT_CATCH_UP_LAG);
  }

  /**
   * With at-least-once instead of exactly-once: under exactly-once the test driver drops the
   * dead-letter records a deserialization handler returns (the real broker keeps them).
   */
  static SchedulerDriver atLeastOnce(SchedulerConfig config) {
    Properties properties = config.toStreamsProperties();
    properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    return new SchedulerDriver(config, properties, SenderBacklog.UNMEASURED);
  }

  static SchedulerDriver withDefaults(Path stateDir) {
    return new SchedulerDriver(defaults(stateDir));
  }

  static SchedulerConfig defaults(Path stateDir) {
    return config(
        stateDir,
        SchedulerConfig.DEFAULT_MAX_RELEASES_PER_PUNCTUATION,
        UNLIMITED_RATE,
        SchedulerConfig.DEFAULT_MAX_ATTEMPTS);
  }

  private TestOutputTopic<String, DeliveryRequest> output(Topic<String, DeliveryRequest> topic) {
    return driver.createOutputTopic(
        topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }

  Instant now() {
    return now;
  }

  void pipe(ScheduledMessage row) {
    pipeCommitted(row, now);
  }

  /** A snapshot read of {@code row} (op {@code r}), read now. */
  void pipeSnapshotRead(ScheduledMessage row) {
    cdc.pipeInput(
        row.id().toString(),
        new ScheduledMessageChange(ScheduledMessageChange.SCHEMA_VERSION, "r", null, now, row));
  }

  /** A change of {@code row} whose source transaction committed at {@code committedAt}. */
  void pipeCommitted(ScheduledMessage row, Instant committedAt) {
    cdc.pipeInput(
        row.id().toString(),
        new ScheduledMessageChange(
            ScheduledMessageChange.SCHEMA_VERSION, "u", 1L, committedAt, row));
  }

  void delete(ScheduledMessage row) {
    cdc.pipeInput(row.id().toString(), null);
  }

  TestInputTopic<String, byte[]> rawCdc() {
    return driver.createInputTopic(
        config.topics().cdc().name(),
        config.topics().cdc().keySerde().serializer(),
        new ByteArraySerializer());
  }

  TestOutputTopic<byte[], byte[]> deadLetters() {
    return driver.createOutputTopic(
        config.topics().cdcDeadLetters().name(),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  void advance(Duration duration) {
    driver.advanceWallClockTime(duration);
    now = now.plus(duration);
  }

  void advanceTo(Instant target) {
    advance(Duration.between(now, target));
  }

  /** The {@code messages} store as it holds them: encoded by {@link PendingMessageSerde}. */
  KeyValueStore<String, byte[]> messages() {
    return driver.getKeyValueStore(SchedulerTopology.MESSAGES_STORE);
  }

  /** The message stored under {@code id}, decoded, or null. */
  PendingMessage message(String id) {
    byte[] bytes = messages().get(id);
    return bytes == null ? null : PendingMessageSerde.decode(bytes);
  }

  DueIndex dueIndex() {
    return (DueIndex) driver.getStateStore(SchedulerTopology.DUE_INDEX_STORE);
  }

  /** Records written so far to the changelog topic of store {@code store}, then forgotten. */
  List<TestRecord<byte[], byte[]>> changelog(String store) {
    String topic = config.applicationId() + "-" + store + "-changelog";
    if (!driver.producedTopicNames().contains(topic)) {
      return List.of();
    }
    return driver
        .createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
        .readRecordsToList();
  }

  /** Due-index entries the punctuator visited so far (its work). */
  long scanned() {
    return (long) registry.get(SchedulerMetrics.SCANNED).counter().count();
  }

  static <K, V> List<KeyValue<K, V>> entries(KeyValueStore<K, V> store) {
    List<KeyValue<K, V>> entries = new ArrayList<>();
    try (KeyValueIterator<K, V> it = store.all()) {
      it.forEachRemaining(entries::add);
    }
    return entries;
  }

  @Override
  public void close() {
    try {
      driver.close();
    } catch (InvalidStateStoreException e) {
      if (!stoppedForRestart) {
        throw e;
      }
      // restartedOnCopy closed the messages store: the driver's final commit cannot write to it
    }
  }

  /** {@code count} rows due one millisecond apart (all before START), in due order. */
  List<UUID> pipeDue(int count, int priority, Platform platform) {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ScheduledMessage row =
          MessageRow.pendingAt(START.minusMillis(count - i))
              .priority(priority)
              .platform(platform)
              .build();
      ids.add(row.id());
      pipe(row);
    }
    return ids;
  }

  static List<UUID> ids(List<DeliveryRequest> requests) {
    return requests.stream().map(DeliveryRequest::messageId).toList();
  }
}

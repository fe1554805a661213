package org.schedmsg.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.Topic;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.serde.JsonSerde;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.scheduler.metrics.SchedulerMetrics;
import org.schedmsg.scheduler.store.PendingMessage;
import org.schedmsg.scheduler.store.SchedulerStores;
import org.schedmsg.scheduler.topology.SchedulerTopology;

/**
 * On a real broker, this version starts on the state an older version left, without a reset: the
 * {@code messages} store and its changelog hold {@link PendingMessage} JSON, and the {@code
 * due-index} changelog topic, local store directory and checkpoint offset this version no longer
 * has are left over. It rebuilds its in-memory index from the local store, releases what is due,
 * and rebuilds the index again after restoring {@code messages} from the changelog alone.
 */
class SchedulerUpgradeIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  /** Changes the older version's processor has stored. */
  private static final AtomicInteger OLDER_STORED = new AtomicInteger();

  @TempDir Path dir;
  private KafkaStreams older;
  private SchedulerService service;

  @AfterEach
  void tearDown() {
    if (older != null) {
      closeLeavingGroup(older);
    }
    if (service != null) {
      service.close();
    }
  }

  @Test
  void shouldRebuildDueIndexFromStateOfOlderVersionWhenUpgradedWithoutReset() {
    TestInfrastructure infra = TestInfrastructure.shared();
    Topics topics = infra.newTopics();
    String applicationId = TestInfrastructure.uniqueName("scheduler");
    SchedulerConfig config = config(infra, topics, applicationId, dir.resolve("state"));
    ScheduledMessage due = MessageRow.pendingAt(Instant.now().minusSeconds(1)).build();
    ScheduledMessage later = MessageRow.pendingAt(Instant.now().plus(Duration.ofHours(1))).build();

    older = new KafkaStreams(olderTopology(topics.cdc()), config.toStreamsProperties());
    OLDER_STORED.set(0);
    older.start();
    produce(infra, topics.cdc(), due, later);
    await().atMost(TIMEOUT).until(() -> OLDER_STORED.get() == 2);
    closeLeavingGroup(older);
    older = null;

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    service = SchedulerService.start(config, registry);
    List<DeliveryRequest> released = new ArrayList<>();
    try (KafkaConsumer<String, DeliveryRequest> consumer = deliveries(infra, topics)) {
      await()
          .atMost(TIMEOUT)
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> released.add(r.value()));
                return !released.isEmpty();
              });
    }
    assertThat(released).extracting(DeliveryRequest::messageId).containsExactly(due.id());
    // the gauge is summed over the tasks, each adding its share when it initialises: a task
    // that initialises a moment after the first release has not counted its message yet
    await().atMost(TIMEOUT).until(() -> pending(registry) == 2.0);
    service.close();

    SimpleMeterRegistry restored = new SimpleMeterRegistry();
    service =
        SchedulerService.start(
            config(infra, topics, applicationId, dir.resolve("fresh-state")), restored);
    await().atMost(TIMEOUT).until(() -> pending(restored) == 2.0);
  }

  /** As the older version closed (and this one does): the next instance need not wait for it. */
  private static void closeLeavingGroup(KafkaStreams streams) {
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
  }

  private static SchedulerConfig config(
      TestInfrastructure infra, Topics topics, String applicationId, Path stateDir) {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("SCHEDULER_APPLICATION_ID", applicationId);
    env.put("SCHEDULER_STATE_DIR", stateDir.toString());
    env.put("SCHEDULER_REPLICATION_FACTOR", "1");
    return SchedulerConfig.fromEnv(new Env(env));
  }

  /**
   * The stores and writes of the older version for a new row: {@code messages} as JSON and a {@code
   * due-index} RocksDB store with its own changelog, under the same store names.
   */
  private static Topology olderTopology(Topic<String, ScheduledMessageChange> cdc) {
    Topology topology = new Topology();
    topology.addSource(
        SchedulerTopology.CDC_SOURCE,
        cdc.keySerde().deserializer(),
        cdc.valueSerde().deserializer(),
        cdc.name());
    topology.addProcessor(
        SchedulerTopology.SCHEDULE_PROCESSOR, OlderProcessor::new, SchedulerTopology.CDC_SOURCE);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(SchedulerStores.MESSAGES),
                Serdes.String(),
                new JsonSerde<>(PendingMessage.class))
            .withLoggingEnabled(Map.of())
            .withCachingDisabled(),
        SchedulerTopology.SCHEDULE_PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(SchedulerStores.DUE_INDEX),
                Serdes.Bytes(),
                Serdes.String())
            .withLoggingEnabled(Map.of())
            .withCachingDisabled(),
        SchedulerTopology.SCHEDULE_PROCESSOR);
    return topology;
  }

  /** Stores a new row as the older version did; releases nothing. */
  private static final class OlderProcessor
      implements Processor<String, ScheduledMessageChange, Void, Void> {
    private KeyValueStore<String, PendingMessage> messages;
    private KeyValueStore<Bytes, String> dueIndex;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      messages = context.getStateStore(SchedulerStores.MESSAGES);
      dueIndex = context.getStateStore(SchedulerStores.DUE_INDEX);
    }

    @Override
    public void process(Record<String, ScheduledMessageChange> record) {
      ScheduledMessage row = record.value().message();
      PendingMessage pending = PendingMessage.scheduled(row, row.scheduledTime());
      messages.put(record.key(), pending);
      dueIndex.put(pending.indexKey().toBytes(), record.key());
      OLDER_STORED.incrementAndGet();
    }
  }

  private static void produce(
      TestInfrastructure infra,
      Topic<String, ScheduledMessageChange> cdc,
      ScheduledMessage... rows) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    try (KafkaProducer<String, ScheduledMessageChange> producer =
        new KafkaProducer<>(props, cdc.keySerde().serializer(), cdc.valueSerde().serializer())) {
      for (ScheduledMessage row : rows) {
        ScheduledMessageChange change =
            new ScheduledMessageChange(
                ScheduledMessageChange.SCHEMA_VERSION, "c", 1L, row.createdAt(), row);
        producer.send(new ProducerRecord<>(cdc.name(), row.id().toString(), change));
      }
      producer.flush();
    }
  }

  private static KafkaConsumer<String, DeliveryRequest> deliveries(
      TestInfrastructure infra, Topics topics) {
    Topic<String, DeliveryRequest> telegram = topics.delivery(Platform.TELEGRAM);
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, TestInfrastructure.uniqueName("observer"));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, DeliveryRequest> consumer =
        new KafkaConsumer<>(
            props, telegram.keySerde().deserializer(), telegram.valueSerde().deserializer());
    consumer.subscribe(List.of(telegram.name()));
    return consumer;
  }

  /** The pending gauge over every platform and priority. */
  private static double pending(SimpleMeterRegistry registry) {
    return registry.find(SchedulerMetrics.PENDING).gauges().stream()
        .mapToDouble(Gauge::value)
        .sum();
  }
}

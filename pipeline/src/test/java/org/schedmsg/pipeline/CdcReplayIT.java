package org.schedmsg.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.cdc.CdcIngestorService;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.scheduler.topology.SchedulerTopology;

/**
 * The CDC topic is enough to rebuild the scheduler: after inserts, cancellations, reschedules,
 * completions and deletes, a scheduler with a fresh application id that reads the topic from offset
 * 0 holds exactly the rows that are pending in the table.
 */
class CdcReplayIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final TestInfrastructure infra = TestInfrastructure.shared();
  private final TestDatabase db = infra.newDatabase();
  private final Topics topics = infra.newTopics();
  private final String slot = TestInfrastructure.uniqueName("slot");
  private KafkaStreams scheduler;

  @AfterEach
  void tearDown() throws SQLException {
    if (scheduler != null) {
      scheduler.close(Duration.ofSeconds(30));
    }
    await().atMost(TIMEOUT).until(() -> !slotActive());
    execute(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
            + slot
            + "'");
  }

  @Test
  void shouldRebuildPendingSetWhenFreshSchedulerReplaysTopicFromStart() throws Exception {
    try (CdcIngestorService ingestor = CdcIngestorService.start(ingestorConfig())) {
      ingestor.awaitStreaming(TIMEOUT);
      writeHistory();
      String marker = UUID.randomUUID().toString();
      insert(marker, "telegram", "1 day");
      awaitOnTopic(marker);
    }
    Set<String> pending = ids("SELECT id FROM scheduled_messages WHERE status = 'pending'");
    assertThat(pending).hasSizeBetween(100, 200);

    scheduler = startFreshScheduler();

    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(storedIds()).isEqualTo(pending));
  }

  /** 200 rows on both platforms, then cancellations, reschedules, completions and deletes. */
  private void writeHistory() throws SQLException {
    for (int i = 0; i < 200; i++) {
      insert(
          UUID.randomUUID().toString(), i % 2 == 0 ? "telegram" : "whatsapp", (i + 1) + " hours");
    }
    List<String> ids = List.copyOf(ids("SELECT id FROM scheduled_messages ORDER BY id"));
    for (int i = 0; i < 200; i += 5) {
      String id = ids.get(i);
      switch ((i / 5) % 4) {
        case 0 -> update(id, "status = 'cancelled'");
        case 1 -> update(id, "scheduled_time = scheduled_time + interval '1 day'");
        case 2 -> update(id, "status = 'sent', sent_at = now(), attempts = 1");
        default -> execute("DELETE FROM scheduled_messages WHERE id = '" + id + "'");
      }
    }
  }

  private KafkaStreams startFreshScheduler() throws Exception {
    Path stateDir = Files.createTempDirectory("replay-state");
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("SCHEDULER_APPLICATION_ID", TestInfrastructure.uniqueName("replay"));
    env.put("SCHEDULER_STATE_DIR", stateDir.toString());
    SchedulerConfig config = SchedulerConfig.fromEnv(new Env(env));
    KafkaStreams streams =
        new KafkaStreams(SchedulerTopology.build(config), config.toStreamsProperties());
    streams.start();
    return streams;
  }

  private Set<String> storedIds() {
    ReadOnlyKeyValueStore<String, Object> store =
        scheduler.store(
            StoreQueryParameters.fromNameAndType(
                SchedulerTopology.MESSAGES_STORE,
                QueryableStoreTypes.<String, Object>keyValueStore()));
    Set<String> ids = new HashSet<>();
    try (KeyValueIterator<String, Object> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, Object> entry = all.next();
        ids.add(entry.key);
      }
    }
    return ids;
  }

  private CdcIngestorConfig ingestorConfig() {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", db.jdbcUrl());
    env.put("DATABASE_USER", db.ingestorUser());
    env.put("DATABASE_PASSWORD", db.ingestorPassword());
    env.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("CDC_SLOT_NAME", slot);
    return CdcIngestorConfig.fromEnv(new Env(env));
  }

  private void awaitOnTopic(String id) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, ScheduledMessageChange> consumer =
        new KafkaConsumer<>(
            props,
            topics.cdc().keySerde().deserializer(),
            topics.cdc().valueSerde().deserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topics.cdc().name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Set<String> seen = new HashSet<>();
      await()
          .atMost(TIMEOUT)
          .pollInSameThread()
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.key()));
                return seen.contains(id);
              });
    }
  }

  private void insert(String id, String platform, String delay) throws SQLException {
    execute(
        "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
            + " scheduled_time, status) VALUES ('"
            + id
            + "', 'r-replay', '"
            + platform
            + "', 'replay', now() + interval '"
            + delay
            + "', 'pending')");
  }

  private void update(String id, String assignments) throws SQLException {
    execute("UPDATE scheduled_messages SET " + assignments + " WHERE id = '" + id + "'");
  }

  private Set<String> ids(String query) throws SQLException {
    Set<String> ids = new java.util.LinkedHashSet<>();
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  private boolean slotActive() throws SQLException {
    return !ids("SELECT slot_name FROM pg_replication_slots WHERE active AND slot_name = '"
            + slot
            + "'")
        .isEmpty();
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private DataSource dataSource() {
    return db.dataSource();
  }
}

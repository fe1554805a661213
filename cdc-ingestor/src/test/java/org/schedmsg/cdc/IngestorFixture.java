package org.schedmsg.cdc;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;

/**
 * What the resilience tests share: a database (as owner), the CDC topic read from the beginning,
 * the ingestor's environment, bulk inserts and the replication slot's state.
 */
final class IngestorFixture implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final DataSource owner;
  private final String jdbcUrl;
  private final String ingestorUser;
  private final String ingestorPassword;
  private final String bootstrapServers;
  private final Topics topics;
  private final String slot;
  private final KafkaConsumer<String, ScheduledMessageChange> consumer;
  private final List<ConsumerRecord<String, ScheduledMessageChange>> received = new ArrayList<>();

  IngestorFixture(
      DataSource owner,
      String jdbcUrl,
      String ingestorUser,
      String ingestorPassword,
      String bootstrapServers,
      Topics topics,
      String slot) {
    this.owner = owner;
    this.jdbcUrl = jdbcUrl;
    this.ingestorUser = ingestorUser;
    this.ingestorPassword = ingestorPassword;
    this.bootstrapServers = bootstrapServers;
    this.topics = topics;
    this.slot = slot;
    this.consumer = consumer();
  }

  String slot() {
    return slot;
  }

  /** The ingestor's environment for this database, topics and slot, plus {@code overrides}. */
  Map<String, String> environment(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", jdbcUrl);
    env.put("DATABASE_USER", ingestorUser);
    env.put("DATABASE_PASSWORD", ingestorPassword);
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("CDC_SLOT_NAME", slot);
    env.put("CDC_RESTART_DELAY", "200ms");
    // any free port: a taken ops port ends the app with status 1
    env.put("OPS_PORT", "0");
    env.putAll(overrides);
    return env;
  }

  CdcIngestorConfig config(Map<String, String> overrides) {
    return CdcIngestorConfig.fromEnv(new Env(environment(overrides)));
  }

  /** Inserts {@code count} pending rows with fresh ids in one transaction. */
  void insertRows(int count) throws SQLException {
    execute(
        "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
            + " scheduled_time, status) SELECT gen_random_uuid(), 'r-' || n, 'telegram',"
            + " 'burst message', now() + interval '1 day', 'pending'"
            + " FROM generate_series(1, "
            + count
            + ") AS n");
  }

  Set<String> rowIds() throws SQLException {
    Set<String> ids = new HashSet<>();
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM scheduled_messages")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  void execute(String sql) throws SQLException {
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Polls the CDC topic once; returns every record read so far. */
  List<ConsumerRecord<String, ScheduledMessageChange>> poll() {
    consumer.poll(Duration.ofMillis(100)).forEach(received::add);
    return received;
  }

  Set<String> receivedKeys() {
    Set<String> keys = new HashSet<>();
    received.forEach(r -> keys.add(r.key()));
    return keys;
  }

  /** Waits until every id in {@code ids} has reached the topic. */
  void awaitKeys(Set<String> ids) {
    await()
        .atMost(TIMEOUT)
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              poll();
              return receivedKeys().containsAll(ids);
            });
  }

  /** The slot's confirmed_flush_lsn as bytes from 0/0, or -1 if there is no slot. */
  long confirmedFlushLsn() throws SQLException {
    return slotLong("(confirmed_flush_lsn - '0/0'::pg_lsn)::bigint");
  }

  long currentWalLsn() throws SQLException {
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Terminates the WAL sender serving the slot; false if the slot had none. */
  boolean terminateWalSender() throws SQLException {
    return slotLong("pg_terminate_backend(active_pid)::int") == 1;
  }

  boolean slotActive() throws SQLException {
    return slotLong("active::int") == 1;
  }

  void dropSlot() throws SQLException {
    await().atMost(TIMEOUT).until(() -> !slotActive());
    try (Connection c = owner.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ?")) {
      s.setString(1, slot);
      s.execute();
    }
  }

  private long slotLong(String expression) throws SQLException {
    try (Connection c = owner.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT " + expression + " FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, slot);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  private KafkaConsumer<String, ScheduledMessageChange> consumer() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    KafkaConsumer<String, ScheduledMessageChange> c =
        new KafkaConsumer<>(
            props,
            topics.cdc().keySerde().deserializer(),
            topics.cdc().valueSerde().deserializer());
    List<TopicPartition> partitions =
        c.partitionsFor(topics.cdc().name()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    c.assign(partitions);
    c.seekToBeginning(partitions);
    return c;
  }

  @Override
  public void close() {
    consumer.close();
  }
}

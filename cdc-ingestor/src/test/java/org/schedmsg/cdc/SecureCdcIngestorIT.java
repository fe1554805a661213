package org.schedmsg.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.schedmsg.infra.kafka.LocalKafka;
import org.schedmsg.infra.kafka.ServiceAcls;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.slf4j.LoggerFactory;

/**
 * The ingestor against a broker that requires SASL_SSL (SCRAM-SHA-512, TLS) and enforces ACLs, as
 * its own principal with only the ACLs the infra README lists for it, configured the way a
 * deployment would: a client properties file plus the JAAS line from a secret file. Its producer
 * and Debezium's offset store (producer, consumer, admin) must all authenticate for a change to
 * land on the CDC topic and its offset on the offsets topic.
 */
class SecureCdcIngestorIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern JAAS_PASSWORD = Pattern.compile("password=\"([^\"]+)\"");

  @TempDir Path dir;

  private final LocalKafka kafka = TestInfrastructure.secureKafka();
  private TestDatabase db;
  private Topics topics;
  private String slot;
  private String kafkaPassword;
  private CdcIngestorService service;
  private ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void setUp() {
    db = TestInfrastructure.shared().newDatabase();
    topics = TestInfrastructure.newTopics(kafka);
    slot = TestInfrastructure.uniqueName("slot");
    logs = new ListAppender<>();
    logs.start();
    rootLogger().addAppender(logs);
  }

  @AfterEach
  void tearDown() throws SQLException {
    if (service != null) {
      service.close();
    }
    dropSlot();
    rootLogger().detachAppender(logs);
  }

  @Test
  void shouldPublishChangeAndStoreOffsetsWhenBrokerRequiresSaslSslAndAcls() throws Exception {
    String principal = TestInfrastructure.uniqueName("cdc_ingestor");
    KafkaClientSettings client = kafka.createUser(principal);
    kafka.grant(ServiceAcls.cdcIngestor(principal, topics));
    service = CdcIngestorService.start(config(client));
    service.awaitStreaming(TIMEOUT);

    UUID id = UUID.randomUUID();
    insert(id);

    List<ConsumerRecord<String, ScheduledMessageChange>> changes = readCdcTopic(id);
    assertThat(changes).extracting(r -> r.value().op()).containsExactly("c");
    await().atMost(TIMEOUT).until(() -> offsetsTopicEnd() > 0);
    assertNoSecretLogged();
  }

  /** The environment of a deployment: a client properties file and the JAAS line as a secret. */
  private CdcIngestorConfig config(KafkaClientSettings client) throws IOException {
    Map<String, String> properties = new HashMap<>(client.asMap());
    String jaas = properties.remove("sasl.jaas.config");
    Matcher password = JAAS_PASSWORD.matcher(jaas);
    assertThat(password.find()).isTrue();
    kafkaPassword = password.group(1);
    Path clientProperties = dir.resolve("client.properties");
    Properties file = new Properties();
    file.putAll(properties);
    try (OutputStream out = Files.newOutputStream(clientProperties)) {
      file.store(out, null);
    }
    Path jaasFile = Files.writeString(dir.resolve("kafka-jaas"), jaas + "\n");
    Path dbPassword = Files.writeString(dir.resolve("db-password"), db.ingestorPassword() + "\n");
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", db.jdbcUrl());
    env.put("DATABASE_USER", db.ingestorUser());
    env.put("DATABASE_PASSWORD_FILE", dbPassword.toString());
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("KAFKA_CLIENT_CONFIG_FILE", clientProperties.toString());
    env.put("KAFKA_CLIENT_SASL_JAAS_CONFIG_FILE", jaasFile.toString());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("CDC_SLOT_NAME", slot);
    env.put("CDC_OFFSET_FLUSH_INTERVAL", "100ms");
    return CdcIngestorConfig.fromEnv(new Env(env));
  }

  private void insert(UUID id) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
                    + " scheduled_time, status) VALUES (?, 'r-1', 'telegram', 'secure hello',"
                    + " now() + interval '1 day', 'pending')")) {
      s.setObject(1, id);
      s.executeUpdate();
    }
  }

  /** The CDC topic's records of {@code id}, read as a reader principal (the scheduler's ACLs). */
  private List<ConsumerRecord<String, ScheduledMessageChange>> readCdcTopic(UUID id) {
    String reader = TestInfrastructure.uniqueName("scheduler");
    KafkaClientSettings client = kafka.createUser(reader);
    kafka.grant(ServiceAcls.scheduler(reader, topics, reader, List.of()));
    Map<String, Object> own =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    List<ConsumerRecord<String, ScheduledMessageChange>> records = new ArrayList<>();
    try (KafkaConsumer<String, ScheduledMessageChange> consumer =
        new KafkaConsumer<>(
            client.clientProperties("test reader", own),
            topics.cdc().keySerde().deserializer(),
            topics.cdc().valueSerde().deserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topics.cdc().name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await()
          .atMost(TIMEOUT)
          .pollInSameThread()
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.stream().anyMatch(r -> r.key().equals(id.toString()));
              });
    }
    return records.stream().filter(r -> r.key().equals(id.toString())).toList();
  }

  private long offsetsTopicEnd() throws Exception {
    TopicPartition partition = new TopicPartition(topics.cdcOffsets(), 0);
    try (Admin admin =
        Admin.create(
            kafka
                .adminSettings()
                .clientProperties(
                    "test admin", Map.of("bootstrap.servers", kafka.bootstrapServers())))) {
      return admin
          .listOffsets(Map.of(partition, OffsetSpec.latest()))
          .partitionResult(partition)
          .get()
          .offset();
    }
  }

  private void assertNoSecretLogged() {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent event : logs.list) {
      lines.add(event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        lines.add(t.getMessage());
      }
    }
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      if (line != null) {
        assertThat(line)
            .as("a log line")
            .doesNotContain(kafkaPassword)
            .doesNotContain(db.ingestorPassword());
      }
    }
  }

  private void dropSlot() throws SQLException {
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              try (Connection c = db.dataSource().getConnection();
                  PreparedStatement s =
                      c.prepareStatement(
                          "SELECT count(*) FROM pg_replication_slots"
                              + " WHERE slot_name = ? AND active")) {
                s.setString(1, slot);
                try (var rs = s.executeQuery()) {
                  rs.next();
                  return rs.getInt(1) == 0;
                }
              }
            });
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ?")) {
      s.setString(1, slot);
      s.execute();
    }
  }

  private static Logger rootLogger() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}

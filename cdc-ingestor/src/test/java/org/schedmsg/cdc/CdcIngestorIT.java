package org.schedmsg.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.serde.Json;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.slf4j.LoggerFactory;

/**
 * The ingestor against a real PostgreSQL 17 (migrated by {@code infra}) and a real Kafka broker,
 * connected as the least-privilege role {@code schedmsg_ingestor}. Each test has its own database,
 * topic namespace and replication slot; the slot is dropped afterwards so it pins no WAL.
 */
class CdcIngestorIT {
  private static final org.slf4j.Logger log = LoggerFactory.getLogger(CdcIngestorIT.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static final UUID PATIENT = UUID.fromString("0b9e5d2c-4f61-4a7b-8c3d-1e2f3a4b5c6d");
  private static final String RECIPIENT = "tg-chat-4711";
  private static final String CONTENT = "Your appointment is tomorrow at 9:30";
  private static final String PARAMETERS = "{\"name\": \"Ana Lima\", \"slots\": [9, 30]}";
  private static final String RECURRENCE = "{\"freq\": \"WEEKLY\", \"count\": 3}";
  private static final String METADATA = "{\"source\": \"crm\", \"campaign\": {\"id\": 7}}";
  private static final Instant SCHEDULED = Instant.parse("2026-12-01T09:30:00.123456Z");

  private TestDatabase db;
  private Topics topics;
  private String slot;
  private final List<CdcIngestorService> services = new ArrayList<>();
  private KafkaConsumer<String, ScheduledMessageChange> consumer;
  private final List<ConsumerRecord<String, ScheduledMessageChange>> received = new ArrayList<>();
  private final List<String> secrets = new ArrayList<>();
  private ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void setUp() throws SQLException {
    TestInfrastructure infra = TestInfrastructure.shared();
    db = infra.newDatabase();
    topics = infra.newTopics();
    slot = TestInfrastructure.uniqueName("slot");
    execute("INSERT INTO patients (id) VALUES ('" + PATIENT + "')");
    consumer = consumer(infra.bootstrapServers());
    secrets.addAll(List.of(db.ingestorPassword(), RECIPIENT, CONTENT, "Ana Lima", "crm"));
    logs = new ListAppender<>();
    logs.start();
    rootLogger().addAppender(logs);
  }

  @AfterEach
  void tearDown() throws SQLException {
    services.forEach(CdcIngestorService::close);
    consumer.close();
    dropSlot();
    rootLogger().detachAppender(logs);
    assertNothingSecretLogged();
  }

  @Test
  void shouldPublishCreateWithParsedJsonAndExactTimestampsWhenRowInserted() throws Exception {
    start(config(Map.of()));
    UUID id = UUID.randomUUID();

    long insertedAt = System.nanoTime();
    Instant createdAt = insert(id);
    ConsumerRecord<String, ScheduledMessageChange> record = awaitRecord(id, "c");
    long consumedAfterMs = (System.nanoTime() - insertedAt) / 1_000_000;

    assertThat(record.key()).isEqualTo(id.toString());
    ScheduledMessageChange change = record.value();
    assertThat(change.schemaVersion()).isEqualTo(ScheduledMessageChange.SCHEMA_VERSION);
    assertThat(change.lsn()).isPositive();
    assertThat(change.committedAt()).isBetween(createdAt, createdAt.plusSeconds(10));
    ScheduledMessage m = change.message();
    assertThat(m.id()).isEqualTo(id);
    assertThat(m.patientId()).isEqualTo(PATIENT);
    assertThat(m.recipientId()).isEqualTo(RECIPIENT);
    assertThat(m.platform()).isEqualTo(Platform.TELEGRAM);
    assertThat(m.messageContent()).isEqualTo(CONTENT);
    assertThat(m.scheduledTime()).isEqualTo(SCHEDULED);
    assertThat(m.createdAt()).isEqualTo(createdAt);
    assertThat(m.templateKey()).isEqualTo("appointment_reminder");
    assertThat(m.parameters()).isEqualTo(json(PARAMETERS));
    assertThat(m.recurrencePattern()).isEqualTo(json(RECURRENCE));
    assertThat(m.metadata()).isEqualTo(json(METADATA));
    assertThat(m.status()).isEqualTo(MessageStatus.PENDING);
    assertThat(m.attempts()).isZero();
    assertThat(m.priority()).isEqualTo(2);
    assertThat(m.deliveryWindowSeconds()).isEqualTo(90);
    assertThat(m.updatedAt()).isNull();
    assertThat(m.rowVersion()).isEqualTo(1);
    log.info(
        "insert -> record consumed in <= {} ms; commit -> record timestamp {} ms",
        consumedAfterMs,
        record.timestamp() - change.committedAt().toEpochMilli());
  }

  @Test
  void shouldPublishUpdateWhenStatusChangesToCancelled() throws Exception {
    start(config(Map.of()));
    UUID id = UUID.randomUUID();
    insert(id);
    awaitRecord(id, "c");

    execute(
        "UPDATE scheduled_messages SET status = 'cancelled', updated_at = now() WHERE id = '"
            + id
            + "'");

    ScheduledMessageChange change = awaitRecord(id, "u").value();
    assertThat(change.message().status()).isEqualTo(MessageStatus.CANCELLED);
    assertThat(change.message().updatedAt()).isNotNull();
    assertThat(change.message().messageContent()).isEqualTo(CONTENT);
    assertThat(change.lsn()).isGreaterThan(recordsFor(id).get(0).value().lsn());
  }

  @Test
  void shouldCarryRowVersionOneWhenInsertedAndTwoAfterOneUpdate() throws Exception {
    start(config(Map.of()));
    UUID id = UUID.randomUUID();
    insert(id);
    assertThat(awaitRecord(id, "c").value().message().rowVersion()).isEqualTo(1);

    execute("UPDATE scheduled_messages SET priority = 1 WHERE id = '" + id + "'");

    ScheduledMessage updated = awaitRecord(id, "u").value().message();
    assertThat(updated.priority()).isEqualTo(1);
    assertThat(updated.rowVersion()).isEqualTo(2);
  }

  /**
   * NULL is not the column default: a NULL {@code delivery_window_seconds} means "no limit", while
   * its default is 60. The connector's schema carries the default, which {@code Struct.get} would
   * put in place of the NULL; checked in the snapshot, an insert and an update.
   */
  @Test
  void shouldCarryNullNotColumnDefaultWhenColumnsAreExplicitlyNull() throws Exception {
    UUID snapshotted = UUID.randomUUID();
    insertWithNulls(snapshotted);
    start(config(Map.of()));
    UUID inserted = UUID.randomUUID();

    ScheduledMessage read = awaitRecord(snapshotted, "r").value().message();
    insertWithNulls(inserted);
    ScheduledMessage created = awaitRecord(inserted, "c").value().message();
    execute("UPDATE scheduled_messages SET priority = 1 WHERE id = '" + inserted + "'");
    ScheduledMessage updated = awaitRecord(inserted, "u").value().message();

    for (ScheduledMessage m : List.of(read, created, updated)) {
      assertThat(m.deliveryWindowSeconds()).as("delivery_window_seconds of %s", m).isNull();
      assertThat(m.deliveryDeadline()).as("deadline of %s", m).isNull();
      assertThat(m.metadata()).as("metadata of %s", m).isNull();
      assertThat(m.templateKey()).as("template_key of %s", m).isNull();
    }
    assertThat(updated.priority()).isEqualTo(1);
  }

  @Test
  void shouldPublishExactlyOneTombstoneWhenRowDeleted() throws Exception {
    start(config(Map.of()));
    UUID id = UUID.randomUUID();
    insert(id);
    awaitRecord(id, "c");

    execute("DELETE FROM scheduled_messages WHERE id = '" + id + "'");
    awaitRecords(r -> recordsFor(id).size() == 2);
    UUID marker = UUID.randomUUID();
    insert(marker);
    awaitRecord(marker, "c");

    List<ConsumerRecord<String, ScheduledMessageChange>> forId = recordsFor(id);
    assertThat(forId).hasSize(2);
    assertThat(forId.get(0).value().op()).isEqualTo("c");
    assertThat(forId.get(1).key()).isEqualTo(id.toString());
    assertThat(forId.get(1).value()).isNull();
  }

  @Test
  void shouldSnapshotExistingRowsAsReadsWhenStartedFirstTime() throws Exception {
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    Instant createdAt = insert(first);
    insert(second);

    start(config(Map.of()));

    ScheduledMessageChange change = awaitRecord(first, "r").value();
    awaitRecord(second, "r");
    assertThat(change.lsn()).isNull();
    assertThat(change.committedAt()).isNotNull();
    assertThat(change.message().createdAt()).isEqualTo(createdAt);
    assertThat(change.message().scheduledTime()).isEqualTo(SCHEDULED);
    assertThat(change.message().parameters()).isEqualTo(json(PARAMETERS));
  }

  @Test
  void shouldResumeWithoutSnapshotWhenRestartedWithStoredOffsets() throws Exception {
    UUID before = UUID.randomUUID();
    insert(before);
    CdcIngestorConfig config = config(Map.of());
    CdcIngestorService first = start(config);
    awaitRecord(before, "r");
    first.close();
    assertThat(first.isRunning()).isFalse();
    assertThat(first.failure()).isEmpty();
    awaitSlotInactive();

    UUID whileDown = UUID.randomUUID();
    insert(whileDown);
    start(config);

    awaitRecord(whileDown, "c");
    UUID marker = UUID.randomUUID();
    insert(marker);
    awaitRecord(marker, "c");
    assertThat(recordsFor(before)).hasSize(1);
    assertThat(recordsFor(whileDown)).extracting(r -> r.value().op()).containsExactly("c");
  }

  @Test
  void shouldStopNamingIdWhenUpdateLacksUnchangedToastedContent() throws Exception {
    // the migrations set FULL (V6); an operator who reverts it must get a loud stop, not a
    // placeholder
    execute("ALTER TABLE scheduled_messages REPLICA IDENTITY DEFAULT");
    CdcIngestorService service = start(config(Map.of()));
    UUID id = UUID.randomUUID();
    String longContent = incompressibleText(8_000);
    secrets.add(longContent.substring(0, 40));
    insert(id, longContent);
    assertThat(awaitRecord(id, "c").value().message().messageContent()).isEqualTo(longContent);

    execute("UPDATE scheduled_messages SET status = 'cancelled' WHERE id = '" + id + "'");

    await().atMost(TIMEOUT).until(() -> service.failure().isPresent());
    assertThat(service.isRunning()).isFalse();
    assertThat(service.failure().orElseThrow())
        .hasMessageContaining(id.toString())
        .hasMessageContaining("message_content")
        .hasMessageContaining("REPLICA IDENTITY FULL");
    assertThat(recordsFor(id)).hasSize(1);
  }

  @Test
  void shouldCarryUnchangedToastedContentWhenReplicaIdentityIsFull() throws Exception {
    // FULL comes from migration V6
    start(config(Map.of()));
    UUID id = UUID.randomUUID();
    String longContent = incompressibleText(8_000);
    secrets.add(longContent.substring(0, 40));
    insert(id, longContent);
    awaitRecord(id, "c");

    execute("UPDATE scheduled_messages SET status = 'cancelled' WHERE id = '" + id + "'");

    ScheduledMessage updated = awaitRecord(id, "u").value().message();
    assertThat(updated.status()).isEqualTo(MessageStatus.CANCELLED);
    assertThat(updated.messageContent()).isEqualTo(longContent);
  }

  @Test
  void shouldRecordFailureNamingPublicationWhenPublicationIsMissing() {
    CdcIngestorService service =
        CdcIngestorService.start(config(Map.of("CDC_PUBLICATION_NAME", "no_such_publication")));
    services.add(service);

    await().atMost(TIMEOUT).until(() -> service.failure().isPresent());

    assertThat(service.isRunning()).isFalse();
    assertThat(stackText(service.failure().orElseThrow()))
        .contains("Publication autocreation is disabled")
        .doesNotContain(db.ingestorPassword());
  }

  @Test
  void shouldReportLatencyWhenRowsInsertedOneByOne() throws Exception {
    start(config(Map.of()));
    insert(UUID.randomUUID());
    awaitRecords(records -> records.size() == 1);
    List<Long> commitToRecordMs = new ArrayList<>();
    List<Long> insertToConsumedMs = new ArrayList<>();

    for (int i = 0; i < 20; i++) {
      UUID id = UUID.randomUUID();
      long insertedAt = System.nanoTime();
      insert(id);
      ConsumerRecord<String, ScheduledMessageChange> record = awaitRecord(id, "c");
      insertToConsumedMs.add((System.nanoTime() - insertedAt) / 1_000_000);
      commitToRecordMs.add(record.timestamp() - record.value().committedAt().toEpochMilli());
    }

    commitToRecordMs.sort(null);
    insertToConsumedMs.sort(null);
    log.info(
        "warm latency over 20 inserts: commit -> record timestamp p50 {} ms, max {} ms;"
            + " insert -> consumed p50 {} ms, max {} ms",
        commitToRecordMs.get(10),
        commitToRecordMs.get(19),
        insertToConsumedMs.get(10),
        insertToConsumedMs.get(19));
    assertThat(received).hasSize(21);
  }

  // --- fixture ---

  private CdcIngestorConfig config(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", db.jdbcUrl());
    env.put("DATABASE_USER", db.ingestorUser());
    env.put("DATABASE_PASSWORD", db.ingestorPassword());
    env.put("KAFKA_BOOTSTRAP_SERVERS", TestInfrastructure.shared().bootstrapServers());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("CDC_SLOT_NAME", slot);
    env.put("CDC_OFFSET_FLUSH_INTERVAL", "100ms");
    env.putAll(overrides);
    return CdcIngestorConfig.fromEnv(new Env(env));
  }

  private CdcIngestorService start(CdcIngestorConfig config) {
    long started = System.nanoTime();
    CdcIngestorService service = CdcIngestorService.start(config);
    services.add(service);
    service.awaitStreaming(TIMEOUT);
    log.info("CDC ingestor streaming {} ms after start", (System.nanoTime() - started) / 1_000_000);
    return service;
  }

  private KafkaConsumer<String, ScheduledMessageChange> consumer(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
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

  private void awaitRecords(Predicate<List<ConsumerRecord<String, ScheduledMessageChange>>> done) {
    await()
        .atMost(TIMEOUT)
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              consumer.poll(Duration.ofMillis(50)).forEach(received::add);
              return done.test(received);
            });
  }

  private ConsumerRecord<String, ScheduledMessageChange> awaitRecord(UUID id, String op) {
    Predicate<ConsumerRecord<String, ScheduledMessageChange>> match =
        r -> r.value() != null && r.value().op().equals(op) && r.key().equals(id.toString());
    awaitRecords(records -> records.stream().anyMatch(match));
    return received.stream().filter(match).findFirst().orElseThrow();
  }

  private List<ConsumerRecord<String, ScheduledMessageChange>> recordsFor(UUID id) {
    return received.stream().filter(r -> r.key().equals(id.toString())).toList();
  }

  private Instant insert(UUID id) throws SQLException {
    return insert(id, CONTENT);
  }

  /** Inserts a pending Telegram message as the table owner; returns its {@code created_at}. */
  private Instant insert(UUID id, String content) throws SQLException {
    String sql =
        "INSERT INTO scheduled_messages (id, patient_id, recipient_id, platform, message_content,"
            + " scheduled_time, template_key, parameters, recurrence_pattern, status, priority,"
            + " metadata, delivery_window_seconds)"
            + " VALUES (?, ?, ?, 'telegram', ?, ?, 'appointment_reminder', ?::jsonb, ?::jsonb,"
            + " 'pending', 2, ?::jsonb, 90) RETURNING created_at";
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, id);
      s.setObject(2, PATIENT);
      s.setString(3, RECIPIENT);
      s.setString(4, content);
      s.setObject(5, OffsetDateTime.ofInstant(SCHEDULED, ZoneOffset.UTC));
      s.setString(6, PARAMETERS);
      s.setString(7, RECURRENCE);
      s.setString(8, METADATA);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getObject(1, OffsetDateTime.class).toInstant();
      }
    }
  }

  /**
   * Inserts a pending Telegram message with explicit NULLs in {@code delivery_window_seconds}
   * (column default 60), {@code metadata} and {@code template_key}.
   */
  private void insertWithNulls(UUID id) throws SQLException {
    String sql =
        "INSERT INTO scheduled_messages (id, patient_id, recipient_id, platform, message_content,"
            + " scheduled_time, template_key, status, metadata, delivery_window_seconds)"
            + " VALUES (?, ?, ?, 'telegram', ?, ?, NULL, 'pending', NULL, NULL)";
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, id);
      s.setObject(2, PATIENT);
      s.setString(3, RECIPIENT);
      s.setString(4, CONTENT);
      s.setObject(5, OffsetDateTime.ofInstant(SCHEDULED, ZoneOffset.UTC));
      s.executeUpdate();
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private boolean slotActive() throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, slot);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private void awaitSlotInactive() {
    await().atMost(TIMEOUT).until(() -> !slotActive());
  }

  private void dropSlot() throws SQLException {
    awaitSlotInactive();
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ?")) {
      s.setString(1, slot);
      s.execute();
    }
  }

  private static String incompressibleText(int length) {
    Random random = new Random(42);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  private static JsonNode json(String text) throws Exception {
    return Json.mapper().readTree(text);
  }

  private static Logger rootLogger() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private void assertNothingSecretLogged() {
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
        assertThat(line).as("a log line").doesNotContain(secrets);
      }
    }
  }

  private static String stackText(Throwable throwable) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = throwable; t != null; t = t.getCause()) {
      text.append(t).append('\n');
    }
    return text.toString();
  }
}

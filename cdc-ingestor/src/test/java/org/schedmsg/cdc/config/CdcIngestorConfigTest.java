package org.schedmsg.cdc.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;

class CdcIngestorConfigTest {
  static final String PASSWORD = "s3cr3t-ingestor-pw";
  static final Map<String, String> MINIMAL =
      Map.of(
          "DATABASE_URL", "jdbc:postgresql://db.internal:6432/clinic",
          "KAFKA_BOOTSTRAP_SERVERS", "broker:9092");

  private static CdcIngestorConfig config(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(MINIMAL);
    env.putAll(overrides);
    return CdcIngestorConfig.fromEnv(new Env(env));
  }

  @Test
  void shouldUseDefaultsWhenOnlyRequiredKeysSet() {
    CdcIngestorConfig config = CdcIngestorConfig.fromEnv(new Env(MINIMAL));

    assertThat(config.databaseUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/clinic");
    assertThat(config.databaseUser()).isEqualTo("schedmsg_ingestor");
    assertThat(config.databasePassword()).isNull();
    assertThat(config.bootstrapServers()).isEqualTo("broker:9092");
    assertThat(config.topicNamespace()).isEqualTo(Topics.DEFAULT_NAMESPACE);
    assertThat(config.slotName()).isEqualTo("schedmsg_cdc");
    assertThat(config.publicationName()).isEqualTo("schedmsg_cdc");
    assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.offsetFlushInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.replicationFactor()).isEqualTo(1);
    assertThat(config.engineName()).isEqualTo("schedmsg-cdc-ingestor");
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.restartDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.slotMetricsInterval()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void shouldReadEveryKeyWhenSet() {
    CdcIngestorConfig config =
        config(
            Map.ofEntries(
                Map.entry("DATABASE_USER", "cdc"),
                Map.entry("DATABASE_PASSWORD", PASSWORD),
                Map.entry("TOPIC_NAMESPACE", "test-7"),
                Map.entry("CDC_SLOT_NAME", "slot_7"),
                Map.entry("CDC_PUBLICATION_NAME", "pub_7"),
                Map.entry("CDC_POLL_INTERVAL", "20ms"),
                Map.entry("CDC_OFFSET_FLUSH_INTERVAL", "5s"),
                Map.entry("CDC_REPLICATION_FACTOR", "3"),
                Map.entry("CDC_ENGINE_NAME", "cdc-a"),
                Map.entry("CDC_HEARTBEAT_INTERVAL", "3s"),
                Map.entry("CDC_RESTART_DELAY", "500ms"),
                Map.entry("CDC_SLOT_METRICS_INTERVAL", "1m")));

    assertThat(config.databaseUser()).isEqualTo("cdc");
    assertThat(config.databasePassword()).isEqualTo(PASSWORD);
    assertThat(config.topics().cdc().name()).isEqualTo("test-7.cdc.scheduled-messages.v1");
    assertThat(config.slotName()).isEqualTo("slot_7");
    assertThat(config.publicationName()).isEqualTo("pub_7");
    assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(20));
    assertThat(config.offsetFlushInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.replicationFactor()).isEqualTo(3);
    assertThat(config.engineName()).isEqualTo("cdc-a");
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.restartDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.slotMetricsInterval()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void shouldDeriveEngineNameFromNamespaceWhenNotSet() {
    assertThat(config(Map.of("TOPIC_NAMESPACE", "t9")).engineName()).isEqualTo("t9-cdc-ingestor");
  }

  @ParameterizedTest
  @CsvSource({
    "DATABASE_URL, postgres://user:pw@host/db",
    "DATABASE_URL, jdbc:postgresql://host:5432/db?password=pw",
    "DATABASE_URL, jdbc:postgresql://host:5432/",
    "DATABASE_URL, jdbc:postgresql://db.internal:fivefour/clinic",
    "CDC_SLOT_NAME, Slot-One",
    "CDC_PUBLICATION_NAME, pub;drop",
    "CDC_POLL_INTERVAL, 0ms",
    "CDC_OFFSET_FLUSH_INTERVAL, soon-ish",
    "CDC_REPLICATION_FACTOR, 0",
    "CDC_REPLICATION_FACTOR, -1",
    "CDC_REPLICATION_FACTOR, three",
    "CDC_ENGINE_NAME, bad/name",
    "TOPIC_NAMESPACE, bad namespace"
  })
  void shouldNameKeyButNotValueWhenValueIsBad(String key, String value) {
    assertThatThrownBy(() -> config(Map.of(key, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key)
        .hasMessageNotContaining(value);
  }

  @ParameterizedTest
  @CsvSource({"DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS"})
  void shouldNameKeyWhenRequiredKeyMissing(String key) {
    Map<String, String> env = new HashMap<>(MINIMAL);
    env.remove(key);

    assertThatThrownBy(() -> CdcIngestorConfig.fromEnv(new Env(env)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key);
  }

  @Test
  void shouldHidePasswordWhenPrinted() {
    String printed = config(Map.of("DATABASE_PASSWORD", PASSWORD)).toString();

    assertThat(printed).doesNotContain(PASSWORD).contains("databasePassword=(hidden)");
    assertThat(printed).contains("db.internal", "schedmsg_cdc");
  }

  @Test
  void shouldConfigurePgoutputOnExistingPublicationWhenTurnedIntoDebeziumProperties() {
    Properties props =
        config(Map.of("DATABASE_PASSWORD", PASSWORD, "CDC_SLOT_NAME", "slot_a"))
            .toDebeziumProperties();

    assertThat(props)
        .containsEntry("name", "schedmsg-cdc-ingestor")
        .containsEntry("connector.class", "io.debezium.connector.postgresql.PostgresConnector")
        .containsEntry("plugin.name", "pgoutput")
        .containsEntry("database.hostname", "db.internal")
        .containsEntry("database.port", "6432")
        .containsEntry("database.dbname", "clinic")
        .containsEntry("database.user", "schedmsg_ingestor")
        .containsEntry("database.password", PASSWORD)
        .containsEntry("slot.name", "slot_a")
        .containsEntry("publication.name", "schedmsg_cdc")
        .containsEntry("publication.autocreate.mode", "disabled")
        .containsEntry("table.include.list", "public.scheduled_messages")
        .containsEntry("topic.prefix", "schedmsg")
        .containsEntry("snapshot.mode", "initial")
        .containsEntry("tombstones.on.delete", "false")
        .containsEntry("poll.interval.ms", "50")
        .containsEntry("max.batch.size", "2048")
        .containsEntry("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore")
        .containsEntry("offset.storage.topic", "schedmsg.cdc.offsets")
        .containsEntry("offset.storage.partitions", "1")
        .containsEntry("offset.storage.replication.factor", "1")
        .containsEntry("offset.flush.interval.ms", "1000")
        .containsEntry("bootstrap.servers", "broker:9092")
        .doesNotContainKey("database.sslmode");
    // the engine hands over Structs (Connect format): no converter runs, none is configured
    assertThat(props.stringPropertyNames()).noneMatch(key -> key.contains("converter"));
  }

  @Test
  void shouldLeavePasswordOutAndPassSslModeWhenUrlAsksForIt() {
    Properties props =
        config(Map.of("DATABASE_URL", "jdbc:postgresql://db/clinic?sslmode=verify-full"))
            .toDebeziumProperties();

    assertThat(props)
        .containsEntry("database.port", "5432")
        .containsEntry("database.sslmode", "verify-full")
        .doesNotContainKey("database.password");
  }

  @Test
  void shouldPassTlsSettingsToJdbcUrlAndDebeziumWithoutPrintingKeyPasswordWhenSslKeysSet(
      @TempDir Path dir) throws IOException {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");
    Path cert = Files.writeString(dir.resolve("ingestor.crt"), "cert");
    Path key = Files.writeString(dir.resolve("ingestor.p12"), "key");
    CdcIngestorConfig config =
        config(
            Map.of(
                "DATABASE_SSL_ROOT_CERT", ca.toString(),
                "DATABASE_SSL_CERT", cert.toString(),
                "DATABASE_SSL_KEY", key.toString(),
                "DATABASE_SSL_KEY_PASSWORD", "key-secret-pw"));

    assertThat(config.databaseUrl())
        .startsWith("jdbc:postgresql://db.internal:6432/clinic?sslmode=verify-full&sslrootcert=");
    assertThat(config.toDebeziumProperties())
        .containsEntry("database.sslmode", "verify-full")
        .containsEntry("database.sslrootcert", ca.toString())
        .containsEntry("database.sslcert", cert.toString())
        .containsEntry("database.sslkey", key.toString())
        .containsEntry("database.sslpassword", "key-secret-pw");
    assertThat(config.toString()).doesNotContain("key-secret-pw").doesNotContain("sslrootcert");
  }

  @Test
  void shouldRefuseTlsSettingWhenUrlAlreadySetsItOrFileIsMissing(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                config(
                    Map.of(
                        "DATABASE_URL", "jdbc:postgresql://db/clinic?sslmode=require",
                        "DATABASE_SSL_MODE", "verify-full")))
        .hasMessageContaining("DATABASE_URL already sets sslmode");
    assertThatThrownBy(
            () -> config(Map.of("DATABASE_SSL_ROOT_CERT", dir.resolve("none.pem").toString())))
        .hasMessageContaining("DATABASE_SSL_ROOT_CERT names a file that cannot be read");
  }

  @Test
  void shouldHeartbeatIntoSlotRowRetryForeverAndTrustOffsetWhenTurnedIntoDebeziumProperties() {
    Properties props =
        config(Map.of("CDC_SLOT_NAME", "slot_b", "CDC_HEARTBEAT_INTERVAL", "5s"))
            .toDebeziumProperties();

    assertThat(props)
        .containsEntry("heartbeat.interval.ms", "5000")
        .containsEntry(
            "heartbeat.action.query",
            "INSERT INTO public.schedmsg_cdc_heartbeat (slot_name, beat_at) VALUES ('slot_b',"
                + " now()) ON CONFLICT (slot_name) DO UPDATE SET beat_at = excluded.beat_at")
        .containsEntry("topic.heartbeat.prefix", "__debezium-heartbeat")
        .containsEntry("errors.max.retries", "-1")
        .containsEntry("retriable.restart.connector.wait.ms", "2000")
        .containsEntry("offset.mismatch.strategy", "trust_offset");
  }

  @Test
  void shouldAskForIdempotentAcksFromAllWhenTurnedIntoProducerProperties() {
    Properties props = CdcIngestorConfig.fromEnv(new Env(MINIMAL)).toProducerProperties();

    assertThat(props)
        .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all");
  }

  @Test
  void shouldBatchLargeWithShortLingerAndNoCompressionWhenTurnedIntoProducerProperties() {
    Properties props = CdcIngestorConfig.fromEnv(new Env(MINIMAL)).toProducerProperties();

    assertThat(props)
        .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 262_144)
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 5)
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
  }

  @Test
  void shouldStartEveryKafkaClientFromSharedSettingsWhenSecurityConfigured() {
    Map<String, String> security =
        Map.of(
            "KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL",
            "KAFKA_CLIENT_SASL_MECHANISM", "SCRAM-SHA-512",
            "KAFKA_CLIENT_SASL_JAAS_CONFIG", "ScramLoginModule required password=\"kafka-pw\";");
    CdcIngestorConfig config = config(security);

    for (Properties props : List.of(config.toProducerProperties(), config.toDebeziumProperties())) {
      assertThat(props)
          .containsEntry("security.protocol", "SASL_SSL")
          .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
          .containsKey("sasl.jaas.config")
          .containsEntry("bootstrap.servers", "broker:9092");
    }
    assertThat(config.toString()).contains("sasl.jaas.config").doesNotContain("kafka-pw");
  }

  @Test
  void shouldRefuseToStartWhenSharedKafkaSettingsTurnIdempotenceOff() {
    assertThatThrownBy(() -> config(Map.of("KAFKA_CLIENT_ENABLE_IDEMPOTENCE", "false")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KAFKA_CLIENT_ENABLE_IDEMPOTENCE")
        .hasMessageContaining("enable.idempotence");
  }

  @Test
  void shouldReadDatabasePasswordFromFileWhenFileVariableSet(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("db-password"), PASSWORD + "\n");

    CdcIngestorConfig config = config(Map.of("DATABASE_PASSWORD_FILE", file.toString()));

    assertThat(config.databasePassword()).isEqualTo(PASSWORD);
    assertThat(config.toDebeziumProperties()).containsEntry("database.password", PASSWORD);
  }

  @Test
  void shouldListEveryKeyWhenKeysDeclared() throws IllegalAccessException {
    for (Field field : CdcIngestorConfig.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers())
          && field.getType() == String.class
          && !field.getName().startsWith("DEFAULT_")
          && !field.getName().endsWith("TABLE")) {
        assertThat(CdcIngestorConfig.KEYS).contains((String) field.get(null));
      }
    }
    assertThat(CdcIngestorConfig.KEYS).doesNotHaveDuplicates().hasSize(20);
  }

  @Test
  void shouldDocumentEveryKeyWhenReadmeListsConfig() throws IOException {
    String readme = Files.readString(Path.of("README.md"));

    assertThat(CdcIngestorConfig.KEYS)
        .allSatisfy(key -> assertThat(readme).contains("| `" + key + "` |"));
    assertThat(Arrays.stream(readme.split("\n")).filter(l -> l.matches("\\| `[A-Z_]+` \\|.*")))
        .hasSameSizeAs(CdcIngestorConfig.KEYS);
  }
}

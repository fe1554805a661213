package org.schedmsg.cdc.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.schedmsg.cdc.publish.ChangePublisher;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.DatabaseTls;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.schedmsg.contracts.config.SettingKeys;

/**
 * Settings of the CDC ingestor, read once from the environment by {@link #fromEnv(Env)} and
 * validated here so that start-up fails fast naming the bad key (never its value). Every key is
 * listed in {@link #KEYS} and in the module README.
 *
 * @param databaseUrl the JDBC URL with the {@code DATABASE_SSL_*} settings as its TLS parameters
 *     ({@link DatabaseTls#applyTo}); {@link #toString()} hides its query
 * @param databasePassword null when the database needs none; never shown by {@link #toString()}
 * @param kafkaClient the properties every Kafka client starts from (security), the Debezium offset
 *     store's included; {@link #toString()} shows their keys only
 * @param engineName the Debezium engine name; with {@code topicNamespace} it identifies the stored
 *     offsets, so changing either starts over with a new snapshot
 */
public record CdcIngestorConfig(
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    String bootstrapServers,
    KafkaClientSettings kafkaClient,
    String topicNamespace,
    String slotName,
    String publicationName,
    Duration pollInterval,
    Duration offsetFlushInterval,
    int replicationFactor,
    String engineName,
    Duration heartbeatInterval,
    Duration restartDelay,
    Duration slotMetricsInterval) {

  public static final String DATABASE_URL = SettingKeys.DATABASE_URL;
  public static final String DATABASE_USER = SettingKeys.DATABASE_USER;
  public static final String DATABASE_PASSWORD = SettingKeys.DATABASE_PASSWORD;
  public static final String BOOTSTRAP_SERVERS = SettingKeys.KAFKA_BOOTSTRAP_SERVERS;
  public static final String KAFKA_CLIENT_CONFIG_FILE = KafkaClientSettings.CONFIG_FILE;
  public static final String TOPIC_NAMESPACE = SettingKeys.TOPIC_NAMESPACE;
  public static final String SLOT_NAME = "CDC_SLOT_NAME";
  public static final String PUBLICATION_NAME = "CDC_PUBLICATION_NAME";
  public static final String POLL_INTERVAL = "CDC_POLL_INTERVAL";
  public static final String OFFSET_FLUSH_INTERVAL = "CDC_OFFSET_FLUSH_INTERVAL";
  public static final String REPLICATION_FACTOR = "CDC_REPLICATION_FACTOR";
  public static final String ENGINE_NAME = "CDC_ENGINE_NAME";
  public static final String HEARTBEAT_INTERVAL = "CDC_HEARTBEAT_INTERVAL";
  public static final String RESTART_DELAY = "CDC_RESTART_DELAY";
  public static final String SLOT_METRICS_INTERVAL = "CDC_SLOT_METRICS_INTERVAL";

  /** Every environment key this config reads. */
  public static final List<String> KEYS =
      Stream.of(
              List.of(DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD),
              DatabaseTls.KEYS,
              List.of(
                  BOOTSTRAP_SERVERS,
                  KAFKA_CLIENT_CONFIG_FILE,
                  TOPIC_NAMESPACE,
                  SLOT_NAME,
                  PUBLICATION_NAME,
                  POLL_INTERVAL,
                  OFFSET_FLUSH_INTERVAL,
                  REPLICATION_FACTOR,
                  ENGINE_NAME,
                  HEARTBEAT_INTERVAL,
                  RESTART_DELAY,
                  SLOT_METRICS_INTERVAL))
          .flatMap(List::stream)
          .toList();

  /** The least-privilege role created by migration V5. */
  public static final String DEFAULT_DATABASE_USER = "schedmsg_ingestor";

  public static final String DEFAULT_SLOT_NAME = "schedmsg_cdc";

  /** The publication created by migration V5. */
  public static final String DEFAULT_PUBLICATION_NAME = "schedmsg_cdc";

  /** Debezium's own default (500 ms) adds about half a second to every change. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(50);

  public static final Duration DEFAULT_OFFSET_FLUSH_INTERVAL = Duration.ofSeconds(1);

  /** Kafka Connect's offset store needs an explicit factor (it cannot defer to the broker). */
  public static final int DEFAULT_REPLICATION_FACTOR = 1;

  /** Often enough that a quiet table never lets the slot pin more than a few seconds of WAL. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);

  /** Debezium's default (10 s) is a long gap after a lost connection; reconnecting is cheap. */
  public static final Duration DEFAULT_RESTART_DELAY = Duration.ofSeconds(2);

  public static final Duration DEFAULT_SLOT_METRICS_INTERVAL = Duration.ofSeconds(15);

  /**
   * Most changes Debezium hands over in one batch (its default, stated so that an upgrade cannot
   * change it unnoticed); a batch is handed over when it is full or after {@link #pollInterval()}.
   */
  public static final int ENGINE_MAX_BATCH_SIZE = 2048;

  /**
   * Producer batch (one partition): about 280 CDC records of ~0.9 kB, so a full engine batch goes
   * out in about 8 produce requests instead of ~120 with Kafka's 16 KiB; well under the broker's 1
   * MB {@code message.max.bytes}.
   */
  public static final int PRODUCER_BATCH_BYTES = 256 * 1024;

  /** Kafka's default; stated because the batching above relies on it. */
  public static final Duration PRODUCER_LINGER = Duration.ofMillis(5);

  /** The only table streamed. */
  public static final String TABLE = "public.scheduled_messages";

  /** The table the heartbeat writes (migration V7; in the publication, not streamed to Kafka). */
  public static final String HEARTBEAT_TABLE = "public.schedmsg_cdc_heartbeat";

  private static final String POSTGRES_NAME = "[a-z_][a-z0-9_]{0,62}";

  /** The engine name used when {@value #ENGINE_NAME} is not set. */
  public static String defaultEngineName(String namespace) {
    return namespace + "-cdc-ingestor";
  }

  public CdcIngestorConfig {
    requireText(databaseUrl, DATABASE_URL);
    DatabaseAddress.parse(databaseUrl, DATABASE_URL);
    requireText(databaseUser, DATABASE_USER);
    requireText(bootstrapServers, BOOTSTRAP_SERVERS);
    Objects.requireNonNull(kafkaClient, "kafkaClient");
    requireText(topicNamespace, TOPIC_NAMESPACE);
    requireValidNamespace(topicNamespace);
    requireText(slotName, SLOT_NAME);
    if (!slotName.matches(POSTGRES_NAME)) {
      throw new IllegalArgumentException(
          SLOT_NAME + " may hold only a-z 0-9 _ (at most 63, not starting with a digit)");
    }
    requireText(publicationName, PUBLICATION_NAME);
    if (!publicationName.matches(POSTGRES_NAME)) {
      throw new IllegalArgumentException(
          PUBLICATION_NAME + " must be a plain lower-case PostgreSQL identifier");
    }
    requirePositive(pollInterval, POLL_INTERVAL);
    requirePositive(offsetFlushInterval, OFFSET_FLUSH_INTERVAL);
    if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
      throw new IllegalArgumentException(REPLICATION_FACTOR + " must be at least 1");
    }
    requireText(engineName, ENGINE_NAME);
    if (!engineName.matches("[a-zA-Z0-9._-]+")) {
      throw new IllegalArgumentException(ENGINE_NAME + " may hold only a-z A-Z 0-9 . _ -");
    }
    requirePositive(heartbeatInterval, HEARTBEAT_INTERVAL);
    requirePositive(restartDelay, RESTART_DELAY);
    requirePositive(slotMetricsInterval, SLOT_METRICS_INTERVAL);
  }

  /** Reads and validates every key; throws {@link IllegalArgumentException} naming a bad key. */
  public static CdcIngestorConfig fromEnv(Env env) {
    String namespace = env.string(TOPIC_NAMESPACE, Topics.DEFAULT_NAMESPACE);
    return new CdcIngestorConfig(
        DatabaseTls.fromEnv(env).applyTo(env.required(DATABASE_URL), DATABASE_URL),
        env.string(DATABASE_USER, DEFAULT_DATABASE_USER),
        env.secret(DATABASE_PASSWORD).orElse(null),
        env.required(BOOTSTRAP_SERVERS),
        KafkaClientSettings.fromEnv(env),
        namespace,
        env.string(SLOT_NAME, DEFAULT_SLOT_NAME),
        env.string(PUBLICATION_NAME, DEFAULT_PUBLICATION_NAME),
        env.duration(POLL_INTERVAL, DEFAULT_POLL_INTERVAL),
        env.duration(OFFSET_FLUSH_INTERVAL, DEFAULT_OFFSET_FLUSH_INTERVAL),
        env.integer(REPLICATION_FACTOR, DEFAULT_REPLICATION_FACTOR),
        env.string(ENGINE_NAME, defaultEngineName(namespace)),
        env.duration(HEARTBEAT_INTERVAL, DEFAULT_HEARTBEAT_INTERVAL),
        env.duration(RESTART_DELAY, DEFAULT_RESTART_DELAY),
        env.duration(SLOT_METRICS_INTERVAL, DEFAULT_SLOT_METRICS_INTERVAL));
  }

  /** The Debezium topic (event destination) of the streamed table's changes. */
  public String changeDestination() {
    return topicNamespace + "." + TABLE;
  }

  /** The topic catalog of {@link #topicNamespace()}. */
  public Topics topics() {
    return Topics.of(topicNamespace);
  }

  /**
   * Debezium embedded engine settings: PostgreSQL connector over pgoutput on the existing
   * publication, no Debezium tombstones (we write our own), offsets in the compacted Kafka topic of
   * the catalog. No converter settings: the engine hands over the connector's records unconverted
   * (the Connect format), and the mapper reads NULLs as NULLs, not as the column default. The
   * shared Kafka client settings go in at the top level: Kafka Connect's offset store hands the
   * engine's whole configuration to its producer, consumer and admin client.
   */
  public Properties toDebeziumProperties() {
    DatabaseAddress address = DatabaseAddress.parse(databaseUrl, DATABASE_URL);
    Properties props = new Properties();
    props.put("name", engineName);
    props.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    props.put("plugin.name", "pgoutput");
    props.put("database.hostname", address.host());
    props.put("database.port", Integer.toString(address.port()));
    props.put("database.dbname", address.database());
    props.put("database.user", databaseUser);
    if (databasePassword != null) {
      props.put("database.password", databasePassword);
    }
    props.putAll(address.debeziumTlsProperties());
    props.put("slot.name", slotName);
    props.put("publication.name", publicationName);
    props.put("publication.autocreate.mode", "disabled");
    props.put("table.include.list", TABLE);
    props.put("topic.prefix", topicNamespace);
    props.put("snapshot.mode", "initial");
    props.put("tombstones.on.delete", "false");
    props.put("skipped.operations", "t");
    props.put("message.prefix.exclude.list", ".*");
    props.put("poll.interval.ms", Long.toString(pollInterval.toMillis()));
    props.put("max.batch.size", Integer.toString(ENGINE_MAX_BATCH_SIZE));
    props.put("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
    props.put("offset.storage.topic", topics().cdcOffsets());
    props.put("offset.storage.partitions", "1");
    props.put("offset.storage.replication.factor", Integer.toString(replicationFactor));
    props.put("offset.flush.interval.ms", Long.toString(offsetFlushInterval.toMillis()));
    props.put("bootstrap.servers", bootstrapServers);
    putResilienceProperties(props);
    return kafkaClient.clientProperties("Debezium engine (offset store)", props);
  }

  /**
   * Heartbeats (an upsert into {@value #HEARTBEAT_TABLE}, which is in the publication, so the slot
   * advances on a quiet table), retries after a lost connection (for ever, {@link #restartDelay()}
   * apart), and a stop instead of a silent gap when the slot is behind or newer than the offsets.
   */
  private void putResilienceProperties(Properties props) {
    props.put("topic.heartbeat.prefix", ChangePublisher.HEARTBEAT_PREFIX);
    props.put("heartbeat.interval.ms", Long.toString(heartbeatInterval.toMillis()));
    props.put(
        "heartbeat.action.query",
        "INSERT INTO "
            + HEARTBEAT_TABLE
            + " (slot_name, beat_at) VALUES ('"
            + slotName
            + "', now()) ON CONFLICT (slot_name) DO UPDATE SET beat_at = excluded.beat_at");
    props.put("errors.max.retries", "-1");
    props.put("retriable.restart.connector.wait.ms", Long.toString(restartDelay.toMillis()));
    props.put("offset.mismatch.strategy", "trust_offset");
  }

  /** Admin client settings (the readiness probe of Kafka): the shared client settings. */
  public Properties toAdminProperties() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, engineName + "-readiness");
    return kafkaClient.clientProperties("CDC readiness admin", props);
  }

  /**
   * The producer of the CDC topic: idempotent, acknowledged by all in-sync replicas; large batches
   * so that an engine batch goes out in a few requests, a short linger (the publisher flushes at
   * the end of every engine batch, so the linger never holds back its last record), and no
   * compression (CPU is what is short; see the README).
   */
  public Properties toProducerProperties() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, engineName + "-producer");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, PRODUCER_BATCH_BYTES);
    props.put(ProducerConfig.LINGER_MS_CONFIG, (int) PRODUCER_LINGER.toMillis());
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    return kafkaClient.clientProperties("CDC producer", props);
  }

  @Override
  public String toString() {
    return "CdcIngestorConfig{databaseUrl="
        + withoutQuery(databaseUrl)
        + ", databaseUser="
        + databaseUser
        + ", databasePassword="
        + (databasePassword == null ? "(none)" : "(hidden)")
        + ", bootstrapServers="
        + bootstrapServers
        + ", kafkaClient="
        + kafkaClient
        + ", topicNamespace="
        + topicNamespace
        + ", slotName="
        + slotName
        + ", publicationName="
        + publicationName
        + ", pollInterval="
        + pollInterval
        + ", offsetFlushInterval="
        + offsetFlushInterval
        + ", replicationFactor="
        + replicationFactor
        + ", engineName="
        + engineName
        + ", heartbeatInterval="
        + heartbeatInterval
        + ", restartDelay="
        + restartDelay
        + ", slotMetricsInterval="
        + slotMetricsInterval
        + '}';
  }

  /** The URL without its query, which may carry the client key's password. */
  private static String withoutQuery(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query) + "?<hidden>";
  }

  private static void requireText(String value, String key) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing required setting " + key);
    }
  }

  private static void requireValidNamespace(String namespace) {
    try {
      Topics.of(namespace);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(TOPIC_NAMESPACE + " has characters Kafka forbids");
    }
  }

  private static void requirePositive(Duration value, String key) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " must be a positive duration");
    }
  }
}

package org.schedmsg.scheduler.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.schedmsg.contracts.config.SettingKeys;

/**
 * Settings of the scheduler stream, read once from the environment by {@link #fromEnv(Env)} and
 * validated here so that start-up fails fast naming the bad key (never its value). Every key is
 * listed in {@link #KEYS} and in the module README.
 *
 * @param maxAttempts a pending row with at least this many attempts is rejected at its due time
 * @param releaseRates each platform's releases per second ({@link #releaseRateKey}), every platform
 * @param senderGroups each platform's senders' consumer group ({@link #senderGroupKey}), every
 *     platform
 * @param lease the senders' longest possible attempt: a released message is not released again
 *     before it has passed, and no retry is due earlier than it after the last attempt
 * @param catchUpLag a change committed longer ago than this when it arrives means the CDC input is
 *     catching up, and releases wait until it has (zero: never wait)
 */
public record SchedulerConfig(
    String bootstrapServers,
    KafkaClientSettings kafkaClient,
    String topicNamespace,
    String applicationId,
    Path stateDir,
    Duration punctuateInterval,
    Duration commitInterval,
    int maxReleasesPerPunctuation,
    Duration lease,
    Duration retryBackoffBase,
    Duration retryBackoffMax,
    int replicationFactor,
    int maxAttempts,
    Map<Platform, Integer> releaseRates,
    int standbyReplicas,
    Duration sessionTimeout,
    int maxUnsent,
    Duration maxUnsentTime,
    Map<Platform, String> senderGroups,
    Duration catchUpLag) {

  public static final String BOOTSTRAP_SERVERS = SettingKeys.KAFKA_BOOTSTRAP_SERVERS;
  public static final String KAFKA_CLIENT_CONFIG_FILE = KafkaClientSettings.CONFIG_FILE;
  public static final String TOPIC_NAMESPACE = SettingKeys.TOPIC_NAMESPACE;
  public static final String APPLICATION_ID = "SCHEDULER_APPLICATION_ID";
  public static final String STATE_DIR = "SCHEDULER_STATE_DIR";
  public static final String PUNCTUATE_INTERVAL = "SCHEDULER_PUNCTUATE_INTERVAL";
  public static final String COMMIT_INTERVAL = "SCHEDULER_COMMIT_INTERVAL";
  public static final String MAX_RELEASES_PER_PUNCTUATION =
      "SCHEDULER_MAX_RELEASES_PER_PUNCTUATION";
  public static final String LEASE = "SCHEDULER_LEASE";
  public static final String RETRY_BACKOFF_BASE = "SCHEDULER_RETRY_BACKOFF_BASE";
  public static final String RETRY_BACKOFF_MAX = "SCHEDULER_RETRY_BACKOFF_MAX";
  public static final String REPLICATION_FACTOR = "SCHEDULER_REPLICATION_FACTOR";
  public static final String MAX_ATTEMPTS = "SCHEDULER_MAX_ATTEMPTS";
  public static final String STANDBY_REPLICAS = "SCHEDULER_STANDBY_REPLICAS";
  public static final String SESSION_TIMEOUT = "SCHEDULER_SESSION_TIMEOUT";
  public static final String MAX_UNSENT = "SCHEDULER_MAX_UNSENT";
  public static final String MAX_UNSENT_TIME = "SCHEDULER_MAX_UNSENT_TIME";
  public static final String CATCH_UP_LAG = "SCHEDULER_CATCH_UP_LAG";

  /** {@code SCHEDULER_<PLATFORM>_RELEASE_RATE}: {@code platform}'s releases per second. */
  public static String releaseRateKey(Platform platform) {
    return "SCHEDULER_" + platform.name() + "_RELEASE_RATE";
  }

  /** {@code SCHEDULER_<PLATFORM>_SENDER_GROUP}: {@code platform}'s senders' consumer group. */
  public static String senderGroupKey(Platform platform) {
    return "SCHEDULER_" + platform.name() + "_SENDER_GROUP";
  }

  /** Every environment key this config reads. */
  public static final List<String> KEYS =
      Stream.of(
              List.of(
                  BOOTSTRAP_SERVERS,
                  KAFKA_CLIENT_CONFIG_FILE,
                  TOPIC_NAMESPACE,
                  APPLICATION_ID,
                  STATE_DIR,
                  PUNCTUATE_INTERVAL,
                  COMMIT_INTERVAL,
                  MAX_RELEASES_PER_PUNCTUATION,
                  LEASE,
                  RETRY_BACKOFF_BASE,
                  RETRY_BACKOFF_MAX,
                  REPLICATION_FACTOR,
                  MAX_ATTEMPTS),
              Arrays.stream(Platform.values()).map(SchedulerConfig::releaseRateKey).toList(),
              List.of(STANDBY_REPLICAS, SESSION_TIMEOUT, MAX_UNSENT, MAX_UNSENT_TIME),
              Arrays.stream(Platform.values()).map(SchedulerConfig::senderGroupKey).toList(),
              List.of(CATCH_UP_LAG))
          .flatMap(List::stream)
          .toList();

  public static final Duration DEFAULT_PUNCTUATE_INTERVAL = Duration.ofMillis(100);
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);
  public static final int DEFAULT_MAX_RELEASES_PER_PUNCTUATION = 1000;
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_RETRY_BACKOFF_BASE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofMinutes(15);

  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  /** Telegram's default limit: about 30 messages per second per bot. */

  /** WhatsApp Cloud API's default limit: 80 messages per second per phone number. */
  public static final int DEFAULT_STANDBY_REPLICAS = 0;

  /**
   * Most released messages a platform's senders may have outstanding (on the delivery topic, not
   * yet done) before the scheduler holds further releases back; 0 turns the limit off.
   */
  public static final int DEFAULT_MAX_UNSENT = 1000;

  /**
   * Most time's worth of sends, at the senders' measured drain rate, a platform's senders may have
   * outstanding (never fewer than 100 messages, never more than {@value #MAX_UNSENT}); zero leaves
   * {@value #MAX_UNSENT} alone. Bounds how long an urgent release waits behind earlier releases on
   * the FIFO delivery topic.
   */
  public static final Duration DEFAULT_MAX_UNSENT_TIME = Duration.ofSeconds(2);

  /**
   * A change that arrives more than this after its commit (by this host's clock against the
   * database's) means the CDC input is catching up after a gap; well above the pipeline's normal
   * CDC latency (a few hundred milliseconds), below any outage worth the name.
   */
  public static final Duration DEFAULT_CATCH_UP_LAG = Duration.ofSeconds(2);

  /** Kafka's default: how long a crashed instance keeps its tasks before they move. */
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(45);

  /** Let the broker's {@code default.replication.factor} decide. */
  public static final int DEFAULT_REPLICATION_FACTOR = -1;

  /** The application id used when {@value #APPLICATION_ID} is not set. */
  public static String defaultApplicationId(String namespace) {
    return namespace + "-scheduler";
  }

  /** The state directory used when {@value #STATE_DIR} is not set: one named after the app id. */
  public static Path defaultStateDir(String applicationId) {
    return Path.of(System.getProperty("java.io.tmpdir"), applicationId);
  }

  public SchedulerConfig {
    requireText(bootstrapServers, BOOTSTRAP_SERVERS);
    Objects.requireNonNull(kafkaClient, "kafkaClient");
    requireText(topicNamespace, TOPIC_NAMESPACE);
    requireValidNamespace(topicNamespace);
    requireText(applicationId, APPLICATION_ID);
    if (!applicationId.matches("[a-zA-Z0-9._-]+")) {
      throw new IllegalArgumentException(APPLICATION_ID + " may hold only a-z A-Z 0-9 . _ -");
    }
    Objects.requireNonNull(stateDir, STATE_DIR);
    requirePositive(punctuateInterval, PUNCTUATE_INTERVAL);
    requirePositive(commitInterval, COMMIT_INTERVAL);
    if (maxReleasesPerPunctuation < 1) {
      throw new IllegalArgumentException(MAX_RELEASES_PER_PUNCTUATION + " must be at least 1");
    }
    requirePositive(lease, LEASE);
    requirePositive(retryBackoffBase, RETRY_BACKOFF_BASE);
    requirePositive(retryBackoffMax, RETRY_BACKOFF_MAX);
    if (retryBackoffMax.compareTo(retryBackoffBase) < 0) {
      throw new IllegalArgumentException(
          RETRY_BACKOFF_MAX + " must not be shorter than " + RETRY_BACKOFF_BASE);
    }
    if (replicationFactor != -1 && replicationFactor < 1) {
      throw new IllegalArgumentException(
          REPLICATION_FACTOR + " must be -1 (broker default) or at least 1");
    }
    requireAtLeast(maxAttempts, 1, MAX_ATTEMPTS);
    releaseRates = eachPlatform(releaseRates, "releaseRates");
    for (Platform platform : Platform.values()) {
      requireAtLeast(releaseRates.get(platform), 1, releaseRateKey(platform));
    }
    requireAtLeast(standbyReplicas, 0, STANDBY_REPLICAS);
    requirePositive(sessionTimeout, SESSION_TIMEOUT);
    requireAtLeast(maxUnsent, 0, MAX_UNSENT);
    Objects.requireNonNull(maxUnsentTime, MAX_UNSENT_TIME);
    if (maxUnsentTime.isNegative()) {
      throw new IllegalArgumentException(MAX_UNSENT_TIME + " must not be negative");
    }
    senderGroups = eachPlatform(senderGroups, "senderGroups");
    for (Platform platform : Platform.values()) {
      requireText(senderGroups.get(platform), senderGroupKey(platform));
    }
    Objects.requireNonNull(catchUpLag, CATCH_UP_LAG);
    if (catchUpLag.isNegative()) {
      throw new IllegalArgumentException(CATCH_UP_LAG + " must not be negative");
    }
  }

  /** Reads and validates every key; throws {@link IllegalArgumentException} naming a bad key. */
  public static SchedulerConfig fromEnv(Env env) {
    String namespace = env.string(TOPIC_NAMESPACE, Topics.DEFAULT_NAMESPACE);
    requireValidNamespace(namespace); // before the sender groups are named after it
    String applicationId = env.string(APPLICATION_ID, defaultApplicationId(namespace));
    String stateDir = env.optional(STATE_DIR).orElse(defaultStateDir(applicationId).toString());
    return new SchedulerConfig(
        env.required(BOOTSTRAP_SERVERS),
        KafkaClientSettings.fromEnv(env),
        namespace,
        applicationId,
        Path.of(stateDir),
        env.duration(PUNCTUATE_INTERVAL, DEFAULT_PUNCTUATE_INTERVAL),
        env.duration(COMMIT_INTERVAL, DEFAULT_COMMIT_INTERVAL),
        env.integer(MAX_RELEASES_PER_PUNCTUATION, DEFAULT_MAX_RELEASES_PER_PUNCTUATION),
        env.duration(LEASE, DEFAULT_LEASE),
        env.duration(RETRY_BACKOFF_BASE, DEFAULT_RETRY_BACKOFF_BASE),
        env.duration(RETRY_BACKOFF_MAX, DEFAULT_RETRY_BACKOFF_MAX),
        env.integer(REPLICATION_FACTOR, DEFAULT_REPLICATION_FACTOR),
        env.integer(MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS),
        perPlatform(p -> env.integer(releaseRateKey(p), p.defaultMessagesPerSecond())),
        env.integer(STANDBY_REPLICAS, DEFAULT_STANDBY_REPLICAS),
        env.duration(SESSION_TIMEOUT, DEFAULT_SESSION_TIMEOUT),
        env.integer(MAX_UNSENT, DEFAULT_MAX_UNSENT),
        env.duration(MAX_UNSENT_TIME, DEFAULT_MAX_UNSENT_TIME),
        perPlatform(p -> env.string(senderGroupKey(p), Topics.of(namespace).senderGroupId(p))),
        env.duration(CATCH_UP_LAG, DEFAULT_CATCH_UP_LAG));
  }

  /** This config with {@code lag} as {@link #catchUpLag()}. */
  public SchedulerConfig withCatchUpLag(Duration lag) {
    return new SchedulerConfig(
        bootstrapServers,
        kafkaClient,
        topicNamespace,
        applicationId,
        stateDir,
        punctuateInterval,
        commitInterval,
        maxReleasesPerPunctuation,
        lease,
        retryBackoffBase,
        retryBackoffMax,
        replicationFactor,
        maxAttempts,
        releaseRates,
        standbyReplicas,
        sessionTimeout,
        maxUnsent,
        maxUnsentTime,
        senderGroups,
        lag);
  }

  /** The consumer group of {@code platform}'s senders, whose lag {@link #maxUnsent} bounds. */
  public String senderGroup(Platform platform) {
    return senderGroups.get(platform);
  }

  /** Releases per second allowed to {@code platform}'s delivery topic. */
  public int releaseRate(Platform platform) {
    return releaseRates.get(platform);
  }

  /** The topic catalog of {@link #topicNamespace()}. */
  public Topics topics() {
    return Topics.of(topicNamespace);
  }

  /**
   * Kafka Streams settings: exactly-once v2 (consumers then read committed), no default serdes
   * (every source, sink and store names its own), undecodable records logged by coordinates and
   * copied to the CDC dead-letter topic, processing and production errors fail the stream thread
   * (which is then replaced).
   */
  public Properties toStreamsProperties() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
    props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
    props.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        (int) sessionTimeout.toMillis());
    props.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
        (int) Math.max(1, sessionTimeout.toMillis() / 3));
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterUndecodableRecordHandler.class);
    props.put(DeadLetterUndecodableRecordHandler.TOPIC_PROPERTY, topics().cdcDeadLetters().name());
    props.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailProcessingExceptionHandler.class);
    props.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DefaultProductionExceptionHandler.class);
    return kafkaClient.clientProperties("scheduler streams", props);
  }

  /**
   * An admin client's settings: the shared Kafka client settings, the brokers, {@code clientId}.
   */
  public Properties adminProperties(String clientId) {
    Map<String, Object> own = new HashMap<>();
    own.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    own.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    return kafkaClient.clientProperties("scheduler admin " + clientId, own);
  }

  /** A value for every platform, computed by {@code value}. */
  public static <T> Map<Platform, T> perPlatform(Function<Platform, T> value) {
    Map<Platform, T> values = new EnumMap<>(Platform.class);
    for (Platform platform : Platform.values()) {
      values.put(platform, value.apply(platform));
    }
    return Collections.unmodifiableMap(values);
  }

  private static <T> Map<Platform, T> eachPlatform(Map<Platform, T> values, String name) {
    Objects.requireNonNull(values, name);
    for (Platform platform : Platform.values()) {
      if (!values.containsKey(platform)) {
        throw new IllegalArgumentException(name + " has no value for " + platform.id());
      }
    }
    return Collections.unmodifiableMap(new EnumMap<>(values));
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

  private static void requireAtLeast(int value, int min, String key) {
    if (value < min) {
      throw new IllegalArgumentException(key + " must be at least " + min);
    }
  }

  private static void requirePositive(Duration value, String key) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " must be a positive duration");
    }
  }
}

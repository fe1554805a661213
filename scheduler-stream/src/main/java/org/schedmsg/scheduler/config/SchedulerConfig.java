package org.schedmsg.scheduler.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.schedmsg.contracts.config.Setting;
import org.schedmsg.contracts.config.SettingKeys;
import org.schedmsg.contracts.config.SettingRule;
import org.schedmsg.contracts.config.SettingValues;
import org.schedmsg.contracts.config.SettingsDefinition;
import org.schedmsg.contracts.config.SharedSettings;

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

  public static final Duration DEFAULT_PUNCTUATE_INTERVAL = Duration.ofMillis(100);
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);
  public static final int DEFAULT_MAX_RELEASES_PER_PUNCTUATION = 1000;
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_RETRY_BACKOFF_BASE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofMinutes(15);
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
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

  /** Every setting of the scheduler, in README order: the Kafka connection, then its own. */
  public static final SettingsDefinition DEFINITION =
      SettingsDefinition.of(SharedSettings.kafka(), ownSettings());

  /** Every environment key this config reads. */
  public static final List<String> KEYS = DEFINITION.keys();

  private static List<Setting> ownSettings() {
    List<Setting> settings = new ArrayList<>();
    settings.add(
        Setting.text(
                APPLICATION_ID,
                "Kafka Streams `application.id` (consumer group, prefix of the changelog topics)")
            .withComputedDefault("`<namespace>-scheduler`")
            .withRule(
                SettingRule.matching("[a-zA-Z0-9._-]+", "letters, digits, '.', '_' and '-'")));
    settings.add(
        Setting.text(
                STATE_DIR,
                "where RocksDB keeps the `messages` store; keep it across restarts to avoid"
                    + " restoring from the changelog")
            .withComputedDefault("`<java.io.tmpdir>/<application id>`"));
    settings.add(
        Setting.duration(
                PUNCTUATE_INTERVAL, "how often the wall-clock punctuator looks for due messages")
            .withDefault(DEFAULT_PUNCTUATE_INTERVAL)
            .withRule(SettingRule.positive()));
    settings.add(
        Setting.duration(
                COMMIT_INTERVAL,
                "Kafka Streams `commit.interval.ms`; under exactly-once, releases become visible at"
                    + " commit")
            .withDefault(DEFAULT_COMMIT_INTERVAL)
            .withRule(SettingRule.positive()));
    settings.add(
        Setting.integer(
                MAX_RELEASES_PER_PUNCTUATION,
                "cap of due-index entries visited (released, rejected or dropped) per platform per"
                    + " punctuation")
            .withDefault(DEFAULT_MAX_RELEASES_PER_PUNCTUATION)
            .withRule(SettingRule.atLeast(1)));
    settings.add(
        Setting.duration(
                LEASE,
                "the senders' longest possible attempt: a released message is not released again"
                    + " before it, and no retry is due sooner after the last attempt")
            .withDefault(DEFAULT_LEASE)
            .withRule(SettingRule.positive()));
    settings.add(
        Setting.duration(RETRY_BACKOFF_BASE, "backoff before the first retry; doubles per attempt")
            .withDefault(DEFAULT_RETRY_BACKOFF_BASE)
            .withRule(SettingRule.positive()));
    settings.add(
        Setting.duration(
                RETRY_BACKOFF_MAX,
                "cap of the backoff (before jitter); not shorter than `" + RETRY_BACKOFF_BASE + "`")
            .withDefault(DEFAULT_RETRY_BACKOFF_MAX)
            .withRule(SettingRule.positive()));
    settings.add(
        Setting.integer(
                REPLICATION_FACTOR,
                "replication factor of the changelog topics; -1 = the broker's default")
            .withDefault(DEFAULT_REPLICATION_FACTOR)
            .withRule(
                SettingRule.of(
                    "-1 (broker default) or at least 1",
                    v -> (Integer) v == -1 || (Integer) v >= 1)));
    settings.add(
        Setting.integer(
                MAX_ATTEMPTS,
                "a pending row with at least this many attempts is rejected"
                    + " (`max_attempts_exceeded:…`) at its due time; the senders use the same"
                    + " default")
            .withDefault(DEFAULT_MAX_ATTEMPTS)
            .withRule(SettingRule.atLeast(1)));
    for (Platform platform : Platform.values()) {
      settings.add(
          Setting.integer(
                  releaseRateKey(platform),
                  platform.displayName()
                      + " releases per second, shared by the stream tasks (each releases its"
                      + " share); the default is the platform's documented limit")
              .withDefault(platform.defaultMessagesPerSecond())
              .withRule(SettingRule.atLeast(1)));
    }
    settings.add(
        Setting.integer(
                STANDBY_REPLICAS,
                "Kafka Streams `num.standby.replicas`: warm copies of the stores on other"
                    + " instances, for fast fail-over")
            .withDefault(DEFAULT_STANDBY_REPLICAS)
            .withRule(SettingRule.atLeast(0)));
    settings.add(
        Setting.duration(
                SESSION_TIMEOUT,
                "consumer `session.timeout.ms` (heartbeat a third of it): how long the tasks of a"
                    + " crashed instance wait before they move to another; the broker bounds it"
                    + " (`group.min.session.timeout.ms`, default 6 s)")
            .withDefault(DEFAULT_SESSION_TIMEOUT)
            .withRule(SettingRule.positive()));
    settings.add(
        Setting.integer(
                MAX_UNSENT,
                "most released messages a platform's senders may have outstanding (their group's"
                    + " lag on the delivery topic) before releases are held back, so a backlog"
                    + " waits in the priority index rather than in the FIFO topic; `0` turns it"
                    + " off")
            .withDefault(DEFAULT_MAX_UNSENT)
            .withRule(SettingRule.atLeast(0)));
    settings.add(
        Setting.duration(
                MAX_UNSENT_TIME,
                "most time's worth of sends, at the senders' measured drain rate, they may have"
                    + " outstanding (at least 100 messages, at most `"
                    + MAX_UNSENT
                    + "`); bounds how long an urgent release waits behind earlier ones on the"
                    + " delivery topic; `0s` leaves the count alone")
            .withDefault(DEFAULT_MAX_UNSENT_TIME)
            .withRule(SettingRule.notNegative()));
    for (Platform platform : Platform.values()) {
      settings.add(
          Setting.text(
                  senderGroupKey(platform),
                  "the "
                      + platform.displayName()
                      + " senders' consumer group (its lag is what `"
                      + MAX_UNSENT
                      + "` bounds)")
              .withComputedDefault("`" + Topics.senderGroupId("<namespace>", platform) + "`"));
    }
    settings.add(
        Setting.duration(
                CATCH_UP_LAG,
                "a change that arrives longer than this after its commit (this host's clock"
                    + " against the database's) means the CDC input is catching up after a gap:"
                    + " releases wait until it has (section \"Catching up\"); `0s` turns it off")
            .withDefault(DEFAULT_CATCH_UP_LAG)
            .withRule(SettingRule.notNegative()));
    return settings;
  }

  /** The application id used when {@value #APPLICATION_ID} is not set. */
  public static String defaultApplicationId(String namespace) {
    return namespace + "-scheduler";
  }

  /** The state directory used when {@value #STATE_DIR} is not set: one named after the app id. */
  public static Path defaultStateDir(String applicationId) {
    return Path.of(System.getProperty("java.io.tmpdir"), applicationId);
  }

  /**
   * Only what no single setting's rule can say (each setting's own rule is checked where it is
   * read, in {@link #DEFINITION}): every platform has its values, and the backoff cap is not
   * shorter than its base.
   */
  public SchedulerConfig {
    Objects.requireNonNull(bootstrapServers, BOOTSTRAP_SERVERS);
    Objects.requireNonNull(kafkaClient, "kafkaClient");
    Objects.requireNonNull(topicNamespace, TOPIC_NAMESPACE);
    Objects.requireNonNull(applicationId, APPLICATION_ID);
    Objects.requireNonNull(stateDir, STATE_DIR);
    Objects.requireNonNull(punctuateInterval, PUNCTUATE_INTERVAL);
    Objects.requireNonNull(commitInterval, COMMIT_INTERVAL);
    Objects.requireNonNull(lease, LEASE);
    Objects.requireNonNull(retryBackoffBase, RETRY_BACKOFF_BASE);
    Objects.requireNonNull(retryBackoffMax, RETRY_BACKOFF_MAX);
    Objects.requireNonNull(sessionTimeout, SESSION_TIMEOUT);
    Objects.requireNonNull(maxUnsentTime, MAX_UNSENT_TIME);
    Objects.requireNonNull(catchUpLag, CATCH_UP_LAG);
    if (retryBackoffMax.compareTo(retryBackoffBase) < 0) {
      throw new IllegalArgumentException(
          RETRY_BACKOFF_MAX + " must not be shorter than " + RETRY_BACKOFF_BASE);
    }
    releaseRates = eachPlatform(releaseRates, "releaseRates");
    senderGroups = eachPlatform(senderGroups, "senderGroups");
  }

  /**
   * Reads and checks every setting; the defaults computed from other settings (application id,
   * state directory, sender groups) are filled in, so the values print as they are used.
   *
   * @throws IllegalArgumentException naming a bad or missing key, never its value
   */
  public static SettingValues read(Env env) {
    SettingValues values = DEFINITION.read(env);
    String namespace = values.text(TOPIC_NAMESPACE);
    values = values.withDefault(APPLICATION_ID, defaultApplicationId(namespace));
    values = values.withDefault(STATE_DIR, defaultStateDir(values.text(APPLICATION_ID)).toString());
    for (Platform platform : Platform.values()) {
      values =
          values.withDefault(senderGroupKey(platform), Topics.senderGroupId(namespace, platform));
    }
    return values;
  }

  /** Reads and checks every key; throws {@link IllegalArgumentException} naming a bad key. */
  public static SchedulerConfig fromEnv(Env env) {
    return from(read(env), KafkaClientSettings.fromEnv(env));
  }

  /** The config of {@code values} (from {@link #read}) and the Kafka client settings. */
  public static SchedulerConfig from(SettingValues values, KafkaClientSettings kafkaClient) {
    return new SchedulerConfig(
        values.text(BOOTSTRAP_SERVERS),
        kafkaClient,
        values.text(TOPIC_NAMESPACE),
        values.text(APPLICATION_ID),
        Path.of(values.text(STATE_DIR)),
        values.duration(PUNCTUATE_INTERVAL),
        values.duration(COMMIT_INTERVAL),
        values.integer(MAX_RELEASES_PER_PUNCTUATION),
        values.duration(LEASE),
        values.duration(RETRY_BACKOFF_BASE),
        values.duration(RETRY_BACKOFF_MAX),
        values.integer(REPLICATION_FACTOR),
        values.integer(MAX_ATTEMPTS),
        perPlatform(p -> values.integer(releaseRateKey(p))),
        values.integer(STANDBY_REPLICAS),
        values.duration(SESSION_TIMEOUT),
        values.integer(MAX_UNSENT),
        values.duration(MAX_UNSENT_TIME),
        perPlatform(p -> values.text(senderGroupKey(p))),
        values.duration(CATCH_UP_LAG));
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
}

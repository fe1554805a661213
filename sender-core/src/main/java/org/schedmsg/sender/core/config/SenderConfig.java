package org.schedmsg.sender.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topic;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.DatabaseTls;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.schedmsg.contracts.config.SettingKeys;
import org.schedmsg.sender.core.retry.AmbiguousOutcomePolicy;
import org.schedmsg.sender.core.throttle.ThrottleSettings;

/**
 * The settings every sender shares, built once from the environment and validated here so that
 * start-up fails naming the bad key (never a value, which may be a secret). The module README lists
 * every key with its default; {@code SenderConfigTest} keeps the two in step.
 *
 * @param databaseUrl the JDBC URL with the {@code DATABASE_SSL_*} settings as its TLS parameters
 *     ({@link DatabaseTls#applyTo}); {@link #toString()} hides its query
 * @param databaseUser null to take the user from the URL or the driver's defaults
 * @param databasePassword null when the URL or the driver supplies it; hidden by {@link
 *     #toString()}
 * @param kafkaClient the properties every Kafka client of the sender starts from (security); {@link
 *     #toString()} shows their keys only
 * @param instanceId the consumers' {@code group.instance.id} (static membership: a restarted sender
 *     with the same id gets its partitions back at once instead of after the session timeout), or
 *     null for dynamic membership
 */
public record SenderConfig(
    Platform platform,
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    String bootstrapServers,
    KafkaClientSettings kafkaClient,
    String topicNamespace,
    String groupId,
    int maxAttempts,
    Duration httpTimeout,
    Duration pollTimeout,
    AmbiguousOutcomePolicy onAmbiguousOutcome,
    ThrottleSettings throttle,
    String rejectionsGroupId,
    int batchSize,
    int sendConcurrency,
    String instanceId) {

  public static final String DATABASE_URL = SettingKeys.DATABASE_URL;
  public static final String DATABASE_USER = SettingKeys.DATABASE_USER;
  public static final String DATABASE_PASSWORD = SettingKeys.DATABASE_PASSWORD;
  public static final String KAFKA_BOOTSTRAP_SERVERS = SettingKeys.KAFKA_BOOTSTRAP_SERVERS;
  public static final String KAFKA_CLIENT_CONFIG_FILE = KafkaClientSettings.CONFIG_FILE;
  public static final String TOPIC_NAMESPACE = SettingKeys.TOPIC_NAMESPACE;
  public static final String SENDER_GROUP_ID = "SENDER_GROUP_ID";
  public static final String SENDER_MAX_ATTEMPTS = "SENDER_MAX_ATTEMPTS";
  public static final String SENDER_HTTP_TIMEOUT = "SENDER_HTTP_TIMEOUT";
  public static final String SENDER_POLL_TIMEOUT = "SENDER_POLL_TIMEOUT";
  public static final String SENDER_ON_AMBIGUOUS_OUTCOME = "SENDER_ON_AMBIGUOUS_OUTCOME";
  public static final String SENDER_MESSAGES_PER_SECOND = "SENDER_MESSAGES_PER_SECOND";
  public static final String SENDER_RECIPIENT_INTERVAL = "SENDER_RECIPIENT_INTERVAL";
  public static final String SENDER_RATE_LIMIT_BACKOFF = "SENDER_RATE_LIMIT_BACKOFF";
  public static final String SENDER_RECIPIENT_BACKOFF = "SENDER_RECIPIENT_BACKOFF";
  public static final String SENDER_FATAL_RETRY_INTERVAL = "SENDER_FATAL_RETRY_INTERVAL";
  public static final String SENDER_REJECTIONS_GROUP_ID = "SENDER_REJECTIONS_GROUP_ID";
  public static final String SENDER_BATCH_SIZE = "SENDER_BATCH_SIZE";
  public static final String SENDER_SEND_CONCURRENCY = "SENDER_SEND_CONCURRENCY";
  public static final String SENDER_INSTANCE_ID = "SENDER_INSTANCE_ID";

  /** Every key this record reads, in README order. */
  public static final List<String> KEYS =
      Stream.of(
              List.of(DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD),
              DatabaseTls.KEYS,
              List.of(
                  KAFKA_BOOTSTRAP_SERVERS,
                  KAFKA_CLIENT_CONFIG_FILE,
                  TOPIC_NAMESPACE,
                  SENDER_GROUP_ID,
                  SENDER_MAX_ATTEMPTS,
                  SENDER_HTTP_TIMEOUT,
                  SENDER_POLL_TIMEOUT,
                  SENDER_ON_AMBIGUOUS_OUTCOME,
                  SENDER_MESSAGES_PER_SECOND,
                  SENDER_RECIPIENT_INTERVAL,
                  SENDER_RATE_LIMIT_BACKOFF,
                  SENDER_RECIPIENT_BACKOFF,
                  SENDER_FATAL_RETRY_INTERVAL,
                  SENDER_REJECTIONS_GROUP_ID,
                  SENDER_BATCH_SIZE,
                  SENDER_SEND_CONCURRENCY,
                  SENDER_INSTANCE_ID))
          .flatMap(List::stream)
          .toList();

  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(500);
  public static final AmbiguousOutcomePolicy DEFAULT_ON_AMBIGUOUS_OUTCOME =
      AmbiguousOutcomePolicy.RETRY;

  /** Telegram: about 30 messages per second per bot. */
  public static final int DEFAULT_TELEGRAM_MESSAGES_PER_SECOND =
      Platform.TELEGRAM.defaultMessagesPerSecond();

  /** WhatsApp: 80 messages per second per phone number (Meta raises it up to 1,000). */
  public static final int DEFAULT_WHATSAPP_MESSAGES_PER_SECOND =
      Platform.WHATSAPP.defaultMessagesPerSecond();

  /**
   * The fastest tier the platforms sell is 1,000 messages per second; the higher ceiling is for
   * load tests against the sandbox platforms (the benchmark).
   */
  public static final int MAX_MESSAGES_PER_SECOND = 20_000;

  /** Telegram: about one message per second per chat; WhatsApp: none. */
  public static final Duration DEFAULT_TELEGRAM_RECIPIENT_INTERVAL =
      Platform.TELEGRAM.defaultRecipientInterval();

  public static final Duration DEFAULT_WHATSAPP_RECIPIENT_INTERVAL =
      Platform.WHATSAPP.defaultRecipientInterval();
  public static final Duration DEFAULT_RATE_LIMIT_BACKOFF = Duration.ofSeconds(5);
  public static final Duration DEFAULT_RECIPIENT_BACKOFF = Duration.ofSeconds(10);
  public static final Duration DEFAULT_FATAL_RETRY_INTERVAL = Duration.ofSeconds(30);

  /**
   * Records per poll, claimed together in one transaction and recorded together in another: the
   * batch is what turns two commits per message into two per batch.
   */
  public static final int DEFAULT_BATCH_SIZE = 100;

  /** Platform calls of one batch in flight at once. */
  public static final int DEFAULT_SEND_CONCURRENCY = 8;

  /**
   * The consumer's {@code max.poll.interval.ms} (Kafka's default, 5 minutes): a batch whose every
   * call takes the whole HTTP timeout must still end well within it, or the group would evict the
   * sender mid-batch.
   */
  static final Duration MAX_POLL_INTERVAL = Duration.ofMinutes(5);

  public SenderConfig {
    Objects.requireNonNull(platform, "platform");
    require(
        databaseUrl != null && databaseUrl.startsWith("jdbc:postgresql:"),
        DATABASE_URL + " must be a jdbc:postgresql: URL");
    require(
        bootstrapServers != null && !bootstrapServers.isBlank(),
        KAFKA_BOOTSTRAP_SERVERS + " must name at least one broker");
    Objects.requireNonNull(kafkaClient, "kafkaClient");
    require(
        topicNamespace != null && topicNamespace.matches("[a-zA-Z0-9._-]+"),
        TOPIC_NAMESPACE + " may hold only letters, digits, '.', '_' and '-'");
    require(groupId != null && !groupId.isBlank(), SENDER_GROUP_ID + " must not be blank");
    require(maxAttempts >= 1, SENDER_MAX_ATTEMPTS + " must be at least 1");
    require(isPositive(httpTimeout), SENDER_HTTP_TIMEOUT + " must be a positive duration");
    require(isPositive(pollTimeout), SENDER_POLL_TIMEOUT + " must be a positive duration");
    Objects.requireNonNull(onAmbiguousOutcome, SENDER_ON_AMBIGUOUS_OUTCOME);
    Objects.requireNonNull(throttle, "throttle");
    require(
        throttle.messagesPerSecond() <= MAX_MESSAGES_PER_SECOND,
        SENDER_MESSAGES_PER_SECOND + " must be between 1 and " + MAX_MESSAGES_PER_SECOND);
    require(
        !throttle.recipientInterval().isNegative(),
        SENDER_RECIPIENT_INTERVAL + " must not be negative");
    require(
        isPositive(throttle.rateLimitBackoff()),
        SENDER_RATE_LIMIT_BACKOFF + " must be a positive duration");
    require(
        isPositive(throttle.recipientBackoff()),
        SENDER_RECIPIENT_BACKOFF + " must be a positive duration");
    require(
        isPositive(throttle.fatalRetryInterval()),
        SENDER_FATAL_RETRY_INTERVAL + " must be a positive duration");
    require(
        rejectionsGroupId != null && !rejectionsGroupId.isBlank(),
        SENDER_REJECTIONS_GROUP_ID + " must not be blank");
    require(batchSize >= 1, SENDER_BATCH_SIZE + " must be at least 1");
    require(sendConcurrency >= 1, SENDER_SEND_CONCURRENCY + " must be at least 1");
    require(
        instanceId == null || instanceId.matches("[a-zA-Z0-9._-]{1,200}"),
        SENDER_INSTANCE_ID + " may hold only letters, digits, '.', '_' and '-' (at most 200)");
    require(
        worstCaseBatch(batchSize, sendConcurrency, httpTimeout)
                .compareTo(MAX_POLL_INTERVAL.dividedBy(2))
            <= 0,
        SENDER_BATCH_SIZE
            + " / "
            + SENDER_SEND_CONCURRENCY
            + " x "
            + SENDER_HTTP_TIMEOUT
            + " must stay within half of the consumer's 5-minute poll interval");
  }

  /**
   * How long a claim holds its row without an outcome: twice the HTTP timeout plus 30 s, so it
   * outlasts any platform call and its outcome write; only a sender that died mid-send lets it run
   * out (its attempt then counts as an unknown outcome).
   */
  public Duration claimLease() {
    return httpTimeout.multipliedBy(2).plusSeconds(30);
  }

  /**
   * How long the delivery consumer may go without finishing a poll before readiness reports it
   * stalled: the longest a batch can take, plus a minute.
   */
  public Duration stallTimeout() {
    return worstCaseBatch(batchSize, sendConcurrency, httpTimeout).plusMinutes(1);
  }

  /** How long a batch takes when every platform call runs into the HTTP timeout. */
  static Duration worstCaseBatch(int batchSize, int sendConcurrency, Duration httpTimeout) {
    int rounds = (batchSize + sendConcurrency - 1) / sendConcurrency;
    return httpTimeout.multipliedBy(rounds);
  }

  /** Reads the keys in {@link #KEYS} from {@code env} for {@code platform}'s sender. */
  public static SenderConfig fromEnv(Env env, Platform platform) {
    Objects.requireNonNull(platform, "platform");
    String namespace = env.string(TOPIC_NAMESPACE, Topics.DEFAULT_NAMESPACE);
    return new SenderConfig(
        platform,
        DatabaseTls.fromEnv(env).applyTo(env.required(DATABASE_URL), DATABASE_URL),
        env.optional(DATABASE_USER).orElse(null),
        env.secret(DATABASE_PASSWORD).orElse(null),
        env.required(KAFKA_BOOTSTRAP_SERVERS),
        KafkaClientSettings.fromEnv(env),
        namespace,
        env.string(SENDER_GROUP_ID, defaultGroupId(namespace, platform)),
        env.integer(SENDER_MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS),
        env.duration(SENDER_HTTP_TIMEOUT, DEFAULT_HTTP_TIMEOUT),
        env.duration(SENDER_POLL_TIMEOUT, DEFAULT_POLL_TIMEOUT),
        ambiguousOutcome(env),
        throttle(env, platform),
        env.string(SENDER_REJECTIONS_GROUP_ID, defaultRejectionsGroupId(namespace, platform)),
        env.integer(SENDER_BATCH_SIZE, DEFAULT_BATCH_SIZE),
        env.integer(SENDER_SEND_CONCURRENCY, DEFAULT_SEND_CONCURRENCY),
        env.optional(SENDER_INSTANCE_ID).orElse(null));
  }

  private static AmbiguousOutcomePolicy ambiguousOutcome(Env env) {
    return env.optional(SENDER_ON_AMBIGUOUS_OUTCOME)
        .map(
            text ->
                AmbiguousOutcomePolicy.parse(text)
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                SENDER_ON_AMBIGUOUS_OUTCOME + " must be retry or fail")))
        .orElse(DEFAULT_ON_AMBIGUOUS_OUTCOME);
  }

  private static ThrottleSettings throttle(Env env, Platform platform) {
    int perSecond = env.integer(SENDER_MESSAGES_PER_SECOND, platform.defaultMessagesPerSecond());
    require(
        perSecond >= 1,
        SENDER_MESSAGES_PER_SECOND + " must be between 1 and " + MAX_MESSAGES_PER_SECOND);
    return new ThrottleSettings(
        perSecond,
        env.duration(SENDER_RECIPIENT_INTERVAL, platform.defaultRecipientInterval()),
        env.duration(SENDER_RATE_LIMIT_BACKOFF, DEFAULT_RATE_LIMIT_BACKOFF),
        env.duration(SENDER_RECIPIENT_BACKOFF, DEFAULT_RECIPIENT_BACKOFF),
        env.duration(SENDER_FATAL_RETRY_INTERVAL, DEFAULT_FATAL_RETRY_INTERVAL));
  }

  /** {@code <namespace>-rejections-<platform>}, e.g. {@code schedmsg-rejections-telegram}. */
  public static String defaultRejectionsGroupId(String namespace, Platform platform) {
    return namespace + "-rejections-" + platform.id();
  }

  /** The scheduler's rejections topic (all platforms; this sender handles its own). */
  public Topic<String, org.schedmsg.contracts.RejectedMessage> rejectionsTopic() {
    return Topics.of(topicNamespace).rejections();
  }

  /** Consumer settings of the rejection consumer: as {@link #consumerProperties()}, own group. */
  public Properties rejectionConsumerProperties() {
    Properties props = consumerProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, rejectionsGroupId);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, rejectionsGroupId);
    return props;
  }

  /** Admin client settings (the readiness probe of Kafka): the shared client settings. */
  public Properties adminProperties(String clientId) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    return kafkaClient.clientProperties(platform.id() + " sender admin", props);
  }

  /** {@code <namespace>-sender-<platform>}, e.g. {@code schedmsg-sender-telegram}. */
  public static String defaultGroupId(String namespace, Platform platform) {
    return Topics.senderGroupId(namespace, platform);
  }

  /** The delivery topic this sender consumes. */
  public Topic<String, DeliveryRequest> inputTopic() {
    return Topics.of(topicNamespace).delivery(platform);
  }

  /**
   * Consumer settings: the shared Kafka client settings, then read committed, manual commits, start
   * at the earliest record.
   */
  public Properties consumerProperties() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(batchSize));
    props.put(
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, String.valueOf(MAX_POLL_INTERVAL.toMillis()));
    if (instanceId != null) {
      // unique within each group; the delivery and rejection groups are two groups
      props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
    }
    return kafkaClient.clientProperties(platform.id() + " sender consumer", props);
  }

  @Override
  public String toString() {
    return "SenderConfig[platform="
        + platform.id()
        + ", databaseUrl="
        + withoutQuery(databaseUrl)
        + ", databaseUser="
        + databaseUser
        + ", databasePassword="
        + (databasePassword == null ? "<none>" : "<hidden>")
        + ", bootstrapServers="
        + bootstrapServers
        + ", kafkaClient="
        + kafkaClient
        + ", topicNamespace="
        + topicNamespace
        + ", groupId="
        + groupId
        + ", maxAttempts="
        + maxAttempts
        + ", httpTimeout="
        + httpTimeout
        + ", pollTimeout="
        + pollTimeout
        + ", onAmbiguousOutcome="
        + onAmbiguousOutcome.id()
        + ", throttle="
        + throttle
        + ", rejectionsGroupId="
        + rejectionsGroupId
        + ", batchSize="
        + batchSize
        + ", sendConcurrency="
        + sendConcurrency
        + ", instanceId="
        + (instanceId == null ? "<none>" : instanceId)
        + ']';
  }

  /** The URL without its query, which may carry a password. */
  private static String withoutQuery(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query) + "?<hidden>";
  }

  private static boolean isPositive(Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}

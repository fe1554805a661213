package org.schedmsg.sender.telegram;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryHeaders;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.contracts.Topic;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.schedmsg.infra.kafka.LocalKafka;
import org.schedmsg.infra.kafka.ServiceAcls;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.sender.core.SenderService;
import org.schedmsg.sender.core.testing.MessageRows;
import org.schedmsg.sender.telegram.client.TelegramClient;
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;

/**
 * The Telegram sender against a broker that requires SASL_SSL and enforces ACLs, as its own
 * principal with only the ACLs the infra README lists for it, its Kafka security given as {@code
 * KAFKA_CLIENT_*} variables: it consumes a release and a rejection (both consumers, both groups).
 * The releases come from a principal with the scheduler's ACLs, transactionally.
 */
class SecureTelegramSenderIT {
  private static final String TOKEN = "4242:secure-it-token";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final LocalKafka kafka = TestInfrastructure.secureKafka();
  private TestDatabase db;
  private Topics topics;
  private MessageRows rows;
  private FakeTelegramServer telegram;
  private SenderService sender;

  @BeforeEach
  void start() {
    db = TestInfrastructure.shared().newDatabase();
    topics = TestInfrastructure.newTopics(kafka);
    rows = new MessageRows(db.dataSource());
    telegram = FakeTelegramServer.start(0, TOKEN);
  }

  @AfterEach
  void stop() {
    if (sender != null) {
      sender.close();
    }
    telegram.close();
  }

  @Test
  void shouldSendReleaseAndFailRejectedRowWhenBrokerRequiresSaslSslAndAcls() {
    String principal = TestInfrastructure.uniqueName("sender_telegram");
    String group = TestInfrastructure.uniqueName("sender-telegram");
    KafkaClientSettings client = kafka.createUser(principal);
    kafka.grant(
        ServiceAcls.sender(principal, topics, Platform.TELEGRAM, group, group + "-rejections"));
    sender = startSender(client, group);
    DeliveryRequest due = pendingRow("1001", "Your lab results are ready");
    DeliveryRequest rejected = pendingRow("1002", "Never sent");

    try (KafkaProducer<String, Object> scheduler = schedulerProducer(group)) {
      scheduler.beginTransaction();
      scheduler.send(release(topics.delivery(Platform.TELEGRAM), due));
      scheduler.send(rejection(rejected));
      scheduler.commitTransaction();
    }

    await().atMost(WAIT).until(() -> "sent".equals(rows.read(due.messageId()).status()));
    await().atMost(WAIT).until(() -> "failed".equals(rows.read(rejected.messageId()).status()));
  }

  /** The sender's environment, its Kafka client settings as one variable per property. */
  private SenderService startSender(KafkaClientSettings client, String group) {
    Map<String, String> env = new HashMap<>(client.asEnvironment());
    env.put("DATABASE_URL", db.jdbcUrl());
    env.put("DATABASE_USER", db.senderUser());
    env.put("DATABASE_PASSWORD", db.senderPassword());
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("SENDER_GROUP_ID", group);
    env.put("SENDER_REJECTIONS_GROUP_ID", group + "-rejections");
    env.put("SENDER_POLL_TIMEOUT", "100ms");
    env.put("TELEGRAM_BOT_TOKEN", TOKEN);
    env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
    TelegramSenderConfig config = TelegramSenderConfig.fromEnv(new Env(env));
    return SenderService.start(config.core(), TelegramClient.create(config), Clock.systemUTC());
  }

  /** A transactional producer as the scheduler's principal, with the scheduler's ACLs. */
  private KafkaProducer<String, Object> schedulerProducer(String senderGroup) {
    String principal = TestInfrastructure.uniqueName("scheduler");
    String applicationId = TestInfrastructure.uniqueName("scheduler-app");
    KafkaClientSettings client = kafka.createUser(principal);
    kafka.grant(ServiceAcls.scheduler(principal, topics, applicationId, List.of(senderGroup)));
    Map<String, Object> own = new HashMap<>();
    own.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    own.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, applicationId + "-release");
    KafkaProducer<String, Object> producer =
        new KafkaProducer<>(
            client.clientProperties("test scheduler", own),
            topics.delivery(Platform.TELEGRAM).keySerde().serializer(),
            (topic, value) -> serialize(topic, value));
    producer.initTransactions();
    return producer;
  }

  private byte[] serialize(String topic, Object value) {
    if (value instanceof DeliveryRequest request) {
      return topics.delivery(Platform.TELEGRAM).valueSerde().serializer().serialize(topic, request);
    }
    return topics.rejections().valueSerde().serializer().serialize(topic, (RejectedMessage) value);
  }

  private static ProducerRecord<String, Object> release(
      Topic<String, DeliveryRequest> topic, DeliveryRequest request) {
    ProducerRecord<String, Object> record =
        new ProducerRecord<>(topic.name(), request.recipientId(), request);
    record
        .headers()
        .add(DeliveryHeaders.MESSAGE_ID, bytes(request.messageId().toString()))
        .add(DeliveryHeaders.PLATFORM, bytes(Platform.TELEGRAM.id()))
        .add(DeliveryHeaders.ATTEMPTS, bytes(String.valueOf(request.attempts())))
        .add(DeliveryHeaders.SCHEMA_VERSION, bytes(String.valueOf(request.schemaVersion())));
    return record;
  }

  private ProducerRecord<String, Object> rejection(DeliveryRequest request) {
    RejectedMessage rejection =
        new RejectedMessage(
            RejectedMessage.SCHEMA_VERSION,
            request.messageId(),
            Platform.TELEGRAM,
            0,
            request.scheduledTime(),
            "max_attempts_exceeded",
            Instant.now(),
            request.rowVersion());
    return new ProducerRecord<>(
        topics.rejections().name(), request.messageId().toString(), rejection);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private DeliveryRequest pendingRow(String chatId, String text) {
    return rows.insertPending(
        Platform.TELEGRAM, chatId, text, Instant.now().minusSeconds(1), 3600, null);
  }
}

package org.schedmsg.sender.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryHeaders;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.sandbox.ReceivedRequest;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.sender.core.SenderService;
import org.schedmsg.sender.core.consume.Outcome;
import org.schedmsg.sender.core.testing.MessageRows;
import org.schedmsg.sender.core.testing.TestRequests;
import org.schedmsg.sender.telegram.client.TelegramClient;
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;

/**
 * The Telegram sender end to end on real Kafka and PostgreSQL (infra's shared fixture), with the
 * real client against the sandbox Bot API. Each test has its own database, topics and group.
 */
class TelegramSenderIT {
  private static final String TOKEN = "4242:it-token";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final TestInfrastructure infra = TestInfrastructure.shared();
  private TestDatabase db;
  private Topics topics;
  private MessageRows rows;
  private FakeTelegramServer telegram;
  private SenderService sender;
  private KafkaProducer<String, DeliveryRequest> producer;

  @BeforeEach
  void start() {
    db = infra.newDatabase();
    topics = infra.newTopics();
    rows = new MessageRows(db.dataSource());
    telegram = FakeTelegramServer.start(0, TOKEN);
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", db.jdbcUrl());
    env.put("DATABASE_USER", db.senderUser());
    env.put("DATABASE_PASSWORD", db.senderPassword());
    env.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("SENDER_GROUP_ID", TestInfrastructure.uniqueName("sender-telegram"));
    env.put("SENDER_POLL_TIMEOUT", "100ms");
    env.put("SENDER_HTTP_TIMEOUT", "5s");
    env.put("TELEGRAM_BOT_TOKEN", TOKEN);
    env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
    TelegramSenderConfig config = TelegramSenderConfig.fromEnv(new Env(env));
    sender = SenderService.start(config.core(), TelegramClient.create(config), Clock.systemUTC());
    producer = transactionalProducer();
  }

  @AfterEach
  void stop() {
    producer.close();
    sender.close();
    telegram.close();
  }

  private KafkaProducer<String, DeliveryRequest> transactionalProducer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TestInfrastructure.uniqueName("release"));
    KafkaProducer<String, DeliveryRequest> kafka =
        new KafkaProducer<>(
            props,
            topics.telegram().keySerde().serializer(),
            topics.telegram().valueSerde().serializer());
    kafka.initTransactions();
    return kafka;
  }

  /** Publishes {@code requests} in one transaction, as scheduler-stream does. */
  private void release(DeliveryRequest... requests) {
    producer.beginTransaction();
    for (DeliveryRequest request : requests) {
      ProducerRecord<String, DeliveryRequest> record =
          new ProducerRecord<>(topics.telegram().name(), request.recipientId(), request);
      record
          .headers()
          .add(DeliveryHeaders.MESSAGE_ID, bytes(request.messageId().toString()))
          .add(DeliveryHeaders.PLATFORM, bytes(Platform.TELEGRAM.id()))
          .add(DeliveryHeaders.ATTEMPTS, bytes(String.valueOf(request.attempts())))
          .add(DeliveryHeaders.SCHEMA_VERSION, bytes(String.valueOf(request.schemaVersion())));
      producer.send(record);
    }
    producer.commitTransaction();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private DeliveryRequest pendingRow(String chatId, String text) {
    return rows.insertPending(
        Platform.TELEGRAM, chatId, text, Instant.now().minusSeconds(1), 3600, null);
  }

  private List<ReceivedRequest> receivedFor(String chatId) {
    return telegram.requests().stream().filter(r -> chatId.equals(r.field("chat_id"))).toList();
  }

  @Test
  void shouldMarkRowsSentAndFailedWhenTelegramAnswers() {
    DeliveryRequest accepted = pendingRow("1001", "Your lab results are ready");
    DeliveryRequest unknownChat = pendingRow("2002", "Appointment tomorrow 9:00");
    telegram.failFor("2002", FakeTelegramServer.chatNotFound());

    release(accepted, unknownChat);

    await().atMost(WAIT).until(() -> "sent".equals(rows.read(accepted.messageId()).status()));
    await().atMost(WAIT).until(() -> "failed".equals(rows.read(unknownChat.messageId()).status()));
    MessageRows.Row sent = rows.read(accepted.messageId());
    assertThat(sent.attempts()).isEqualTo(1);
    assertThat(sent.sentAt()).isNotNull();
    assertThat(sent.platformMessageId()).isNotBlank();
    MessageRows.Row failed = rows.read(unknownChat.messageId());
    assertThat(failed.errorMessage()).isEqualTo("telegram:400:chat_not_found");
    assertThat(failed.failedAt()).isNotNull();
    assertThat(receivedFor("1001"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.body().get("chat_id").asLong()).isEqualTo(1001L);
              assertThat(r.field("text")).isEqualTo("Your lab results are ready");
            });
  }

  @Test
  void shouldNotSendTwiceWhenRecordIsReplayed() {
    DeliveryRequest request = pendingRow("3003", "Take your medication");
    release(request);
    await().atMost(WAIT).until(() -> "sent".equals(rows.read(request.messageId()).status()));

    DeliveryRequest marker = pendingRow("3004", "marker");
    release(request, request);
    release(marker);

    await().atMost(WAIT).until(() -> "sent".equals(rows.read(marker.messageId()).status()));
    assertThat(receivedFor("3003")).hasSize(1);
    assertThat(rows.read(request.messageId()).attempts()).isEqualTo(1);
    assertThat(sender.processor().count(Outcome.SKIPPED)).isGreaterThanOrEqualTo(2);
  }

  @Test
  void shouldKeepPendingThenSendWhenRateLimitedOnce() {
    DeliveryRequest request = pendingRow("4004", "Reminder");
    telegram.respondWith(FakeTelegramServer.tooManyRequests(3));

    release(request);
    await()
        .atMost(WAIT)
        .until(
            () ->
                rows.read(request.messageId()).attempts() == 1
                    && "telegram:429".equals(rows.read(request.messageId()).errorMessage()));
    assertThat(rows.read(request.messageId()).status()).isEqualTo("pending");

    release(TestRequests.withAttempts(request, 1));

    await().atMost(WAIT).until(() -> "sent".equals(rows.read(request.messageId()).status()));
    assertThat(rows.read(request.messageId()).attempts()).isEqualTo(2);
    assertThat(rows.read(request.messageId()).errorMessage()).isNull();
    assertThat(receivedFor("4004")).hasSize(2);
  }

  @Test
  void shouldExpireWithoutCallingTelegramWhenWindowPassed() {
    DeliveryRequest late =
        rows.insertPending(
            Platform.TELEGRAM,
            "5005",
            "Too late",
            Instant.now().minus(Duration.ofHours(2)),
            60,
            null);

    release(late);

    await().atMost(WAIT).until(() -> "failed".equals(rows.read(late.messageId()).status()));
    assertThat(rows.read(late.messageId()).errorMessage()).isEqualTo("delivery_window_expired");
    assertThat(rows.read(late.messageId()).attempts()).isZero();
    assertThat(receivedFor("5005")).isEmpty();
  }

  @Test
  void shouldSkipUndecodableRecordAndDeliverTheNext() {
    DeliveryRequest request = pendingRow("6006", "After garbage");
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    try (KafkaProducer<String, String> raw =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      raw.send(new ProducerRecord<>(topics.telegram().name(), "6006", "{not json"));
      raw.flush();
    }

    release(request);

    await().atMost(WAIT).until(() -> "sent".equals(rows.read(request.messageId()).status()));
    assertThat(sender.isRunning()).isTrue();
  }
}

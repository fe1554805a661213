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
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.sandbox.ReceivedRequest;
import org.schedmsg.infra.sandbox.ScriptedResponse;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.sender.core.SenderService;
import org.schedmsg.sender.core.config.SenderConfig;
import org.schedmsg.sender.core.consume.Outcome;
import org.schedmsg.sender.core.testing.MessageRows;
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
  private String groupId;
  private KafkaProducer<String, DeliveryRequest> producer;

  @BeforeEach
  void start() {
    db = infra.newDatabase();
    topics = infra.newTopics();
    rows = new MessageRows(db.dataSource());
    telegram = FakeTelegramServer.start(0, TOKEN);
    groupId = TestInfrastructure.uniqueName("sender-telegram");
    sender = startSender(groupId);
    producer = transactionalProducer();
  }

  private SenderService startSender(String group) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", db.jdbcUrl());
    env.put("DATABASE_USER", db.senderUser());
    env.put("DATABASE_PASSWORD", db.senderPassword());
    env.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("SENDER_GROUP_ID", group);
    env.put("SENDER_REJECTIONS_GROUP_ID", group + "-rejections");
    env.put("SENDER_POLL_TIMEOUT", "100ms");
    env.put("SENDER_HTTP_TIMEOUT", "2s");
    env.put("SENDER_FATAL_RETRY_INTERVAL", "1s");
    env.put("TELEGRAM_BOT_TOKEN", TOKEN);
    env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
    TelegramSenderConfig config = TelegramSenderConfig.fromEnv(new Env(env));
    return SenderService.start(config.core(), TelegramClient.create(config), Clock.systemUTC());
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
            topics.delivery(Platform.TELEGRAM).keySerde().serializer(),
            topics.delivery(Platform.TELEGRAM).valueSerde().serializer());
    kafka.initTransactions();
    return kafka;
  }

  /** Publishes {@code requests} in one transaction, as scheduler-stream does. */
  private void release(DeliveryRequest... requests) {
    producer.beginTransaction();
    for (DeliveryRequest request : requests) {
      ProducerRecord<String, DeliveryRequest> record =
          new ProducerRecord<>(
              topics.delivery(Platform.TELEGRAM).name(), request.recipientId(), request);
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

  /**
   * The platform counts arrivals, not the sender's starts: with 75 messages due at once to 75
   * chats, no one-second window at the sandbox holds more than the configured 30 requests.
   */
  @Test
  void shouldKeepEveryOneSecondWindowAtPlatformWithinConfiguredRateWhenBurstIsDue() {
    List<DeliveryRequest> burst = new java.util.ArrayList<>();
    for (int i = 0; i < 75; i++) {
      burst.add(pendingRow(Integer.toString(7_000 + i), "Burst " + i));
    }
    release(burst.toArray(new DeliveryRequest[0]));

    await()
        .atMost(WAIT)
        .until(
            () -> burst.stream().allMatch(r -> "sent".equals(rows.read(r.messageId()).status())));
    List<Instant> arrivals =
        telegram.requests().stream().map(ReceivedRequest::receivedAt).sorted().toList();
    assertThat(arrivals).hasSize(75);
    int busiest = 0;
    for (int first = 0, last = 0; first < arrivals.size(); first++) {
      while (last < arrivals.size()
          && arrivals.get(last).isBefore(arrivals.get(first).plusSeconds(1))) {
        last++;
      }
      busiest = Math.max(busiest, last - first);
    }
    assertThat(busiest)
        .as("most requests the platform received in any one-second window")
        .isLessThanOrEqualTo(SenderConfig.DEFAULT_TELEGRAM_MESSAGES_PER_SECOND);
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
      raw.send(
          new ProducerRecord<>(topics.delivery(Platform.TELEGRAM).name(), "6006", "{not json"));
      raw.flush();
    }

    release(request);

    await().atMost(WAIT).until(() -> "sent".equals(rows.read(request.messageId()).status()));
    assertThat(sender.isRunning()).isTrue();
  }

  @Test
  void shouldNotCallPausedBotBeforeRetryAfterWhenRateLimited() {
    DeliveryRequest first = pendingRow("7001", "Reminder one");
    DeliveryRequest second = pendingRow("7002", "Reminder two");
    telegram.respondWith(FakeTelegramServer.tooManyRequests(2));

    // the second is released once the 429 has been answered: calls already in flight at that
    // moment (up to SENDER_SEND_CONCURRENCY) cannot be recalled, new ones must wait
    release(first);
    await().atMost(WAIT).until(() -> telegram.requests().size() == 1);
    release(second);

    await().atMost(WAIT).until(() -> "sent".equals(rows.read(second.messageId()).status()));
    await().atMost(WAIT).until(() -> "sent".equals(rows.read(first.messageId()).status()));
    List<ReceivedRequest> received = telegram.requests();
    Instant limitedAt = received.get(0).receivedAt();
    assertThat(received.subList(1, received.size()))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.receivedAt()).isAfterOrEqualTo(limitedAt.plusSeconds(2)));
    assertThat(rows.read(first.messageId()).attempts()).isEqualTo(1);
    assertThat(rows.read(second.messageId()).attempts()).isEqualTo(1);
    assertThat(received).hasSize(3);
  }

  @Test
  void shouldKeepPendingThenSendAllOnceWhenTokenIsFixed() {
    telegram.acceptOnlyToken("4242:rotated");
    DeliveryRequest a = pendingRow("8001", "Fatal one");
    DeliveryRequest b = pendingRow("8002", "Fatal two");

    release(a, b);

    await().atMost(WAIT).until(() -> !sender.isHealthy());
    assertThat(rows.read(a.messageId()).status()).isEqualTo("pending");
    assertThat(rows.read(b.messageId()).attempts()).isZero();
    telegram.acceptOnlyToken(TOKEN);

    await().atMost(WAIT).until(() -> "sent".equals(rows.read(b.messageId()).status()));
    await().atMost(WAIT).until(() -> "sent".equals(rows.read(a.messageId()).status()));
    assertThat(receivedFor("8001")).hasSize(1);
    assertThat(receivedFor("8002")).hasSize(1);
    assertThat(rows.read(a.messageId()).attempts()).isEqualTo(1);
    await().atMost(WAIT).until(sender::isHealthy);
  }

  @Test
  void shouldFollowAmbiguityPolicyWhenAnswerTimesOut() {
    DeliveryRequest retried = pendingRow("9001", "Retry if unknown");
    DeliveryRequest failed =
        rows.insertPending(
            Platform.TELEGRAM,
            "9002",
            "Fail if unknown",
            Instant.now().minusSeconds(1),
            3600,
            "{\"on_ambiguous_outcome\":\"fail\"}");
    telegram.failFor("9001", ScriptedResponse.success().delayedBy(Duration.ofSeconds(10)));
    telegram.failFor("9002", ScriptedResponse.success().delayedBy(Duration.ofSeconds(10)));

    release(retried, failed);

    await().atMost(WAIT).until(() -> "failed".equals(rows.read(failed.messageId()).status()));
    // the two records may sit on different partitions: wait for the retried one's outcome too
    await().atMost(WAIT).until(() -> rows.read(retried.messageId()).errorMessage() != null);
    assertThat(rows.read(failed.messageId()).errorMessage()).isEqualTo("outcome_unknown:timeout");
    MessageRows.Row pending = rows.read(retried.messageId());
    assertThat(pending.status()).isEqualTo("pending");
    assertThat(pending.attempts()).isEqualTo(1);
    assertThat(pending.errorMessage()).isEqualTo("timeout");
    assertThat(receivedFor("9001")).hasSize(1);
    assertThat(receivedFor("9002")).hasSize(1);
  }

  @Test
  void shouldSendNothingWhenTopicIsReplayedFromOffsetZero() {
    DeliveryRequest a = pendingRow("9101", "Replay one");
    DeliveryRequest b = pendingRow("9102", "Replay two");
    release(a, b);
    await().atMost(WAIT).until(() -> "sent".equals(rows.read(b.messageId()).status()));
    await().atMost(WAIT).until(() -> "sent".equals(rows.read(a.messageId()).status()));
    int before = telegram.requests().size();

    try (SenderService replay = startSender(TestInfrastructure.uniqueName("replay"))) {
      await().atMost(WAIT).until(() -> replay.processor().count(Outcome.SKIPPED) >= 2);
    }

    assertThat(telegram.requests()).hasSize(before);
  }

  @Test
  void shouldFailRowWhenSchedulerRejectsIt() {
    DeliveryRequest rejected = pendingRow("9201", "Never sent");
    DeliveryRequest stale = pendingRow("9202", "Sent anyway");
    release(stale);
    await().atMost(WAIT).until(() -> "sent".equals(rows.read(stale.messageId()).status()));

    publishRejections(
        new RejectedMessage(
            RejectedMessage.SCHEMA_VERSION,
            rejected.messageId(),
            Platform.TELEGRAM,
            0,
            rejected.scheduledTime(),
            "max_attempts_exceeded",
            Instant.now(),
            rejected.rowVersion()),
        new RejectedMessage(
            RejectedMessage.SCHEMA_VERSION,
            stale.messageId(),
            Platform.TELEGRAM,
            0,
            stale.scheduledTime(),
            "delivery_window_expired",
            Instant.now(),
            stale.rowVersion()));

    await().atMost(WAIT).until(() -> "failed".equals(rows.read(rejected.messageId()).status()));
    assertThat(rows.read(rejected.messageId()).errorMessage()).isEqualTo("max_attempts_exceeded");
    assertThat(rows.read(rejected.messageId()).failedAt()).isNotNull();
    assertThat(rows.read(stale.messageId()).status()).isEqualTo("sent");
    assertThat(receivedFor("9201")).isEmpty();
  }

  @Test
  void shouldKeepContentRecipientAndTokenOutOfLogsWhenSending() {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try {
      DeliveryRequest sent = pendingRow("5550101", "Secret diagnosis alpha");
      DeliveryRequest unknown = pendingRow("5550102", "Secret diagnosis beta");
      telegram.failFor("5550102", FakeTelegramServer.chatNotFound());
      release(sent, unknown);
      await().atMost(WAIT).until(() -> "failed".equals(rows.read(unknown.messageId()).status()));
      telegram.acceptOnlyToken("4242:other");
      DeliveryRequest fatal = pendingRow("5550103", "Secret diagnosis gamma");
      release(fatal);
      await().atMost(WAIT).until(() -> !sender.isHealthy());
      telegram.acceptOnlyToken(TOKEN);
      await().atMost(WAIT).until(() -> "sent".equals(rows.read(fatal.messageId()).status()));
    } finally {
      root.detachAppender(logs);
    }

    assertThat(logs.list)
        .isNotEmpty()
        .allSatisfy(
            event -> {
              String line =
                  event.getFormattedMessage()
                      + (event.getThrowableProxy() == null
                          ? ""
                          : event.getThrowableProxy().getMessage());
              assertThat(line)
                  .doesNotContain(TOKEN)
                  .doesNotContain("555010")
                  .doesNotContain("Secret diagnosis");
            });
  }

  private void publishRejections(RejectedMessage... rejections) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    try (KafkaProducer<String, RejectedMessage> kafka =
        new KafkaProducer<>(
            props,
            topics.rejections().keySerde().serializer(),
            topics.rejections().valueSerde().serializer())) {
      for (RejectedMessage rejection : rejections) {
        kafka.send(
            new ProducerRecord<>(
                topics.rejections().name(), rejection.messageId().toString(), rejection));
      }
      kafka.flush();
    }
  }
}

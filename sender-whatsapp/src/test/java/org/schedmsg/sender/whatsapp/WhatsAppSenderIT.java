package org.schedmsg.sender.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.infra.sandbox.FakeWhatsAppServer;
import org.schedmsg.infra.sandbox.ReceivedRequest;
import org.schedmsg.infra.sandbox.ScriptedResponse;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.sender.core.SenderService;
import org.schedmsg.sender.core.consume.Outcome;
import org.schedmsg.sender.core.testing.MessageRows;
import org.schedmsg.sender.whatsapp.client.WhatsAppClient;
import org.schedmsg.sender.whatsapp.config.WhatsAppSenderConfig;

/**
 * The WhatsApp sender end to end on real Kafka and PostgreSQL (infra's shared fixture), with the
 * real client against the sandbox Cloud API. Each test has its own database, topics and group.
 */
class WhatsAppSenderIT {
  private static final String TOKEN = "EAAG-it-token";
  private static final String PHONE_NUMBER_ID = "106540352242922";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final TestInfrastructure infra = TestInfrastructure.shared();
  private Topics topics;
  private MessageRows rows;
  private FakeWhatsAppServer whatsapp;
  private SenderService sender;
  private TestDatabase db;
  private KafkaProducer<String, DeliveryRequest> producer;

  @BeforeEach
  void start() {
    TestDatabase db = infra.newDatabase();
    topics = infra.newTopics();
    rows = new MessageRows(db.dataSource());
    whatsapp = FakeWhatsAppServer.start(0, TOKEN, PHONE_NUMBER_ID);
    this.db = db;
    sender = startSender(TestInfrastructure.uniqueName("sender-whatsapp"));
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TestInfrastructure.uniqueName("release"));
    producer =
        new KafkaProducer<>(
            props,
            topics.delivery(Platform.WHATSAPP).keySerde().serializer(),
            topics.delivery(Platform.WHATSAPP).valueSerde().serializer());
    producer.initTransactions();
  }

  private SenderService startSender(String group) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", this.db.jdbcUrl());
    env.put("DATABASE_USER", this.db.senderUser());
    env.put("DATABASE_PASSWORD", this.db.senderPassword());
    env.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("SENDER_GROUP_ID", group);
    env.put("SENDER_REJECTIONS_GROUP_ID", group + "-rejections");
    env.put("SENDER_POLL_TIMEOUT", "100ms");
    env.put("SENDER_HTTP_TIMEOUT", "2s");
    env.put("SENDER_RATE_LIMIT_BACKOFF", "1s");
    env.put("SENDER_FATAL_RETRY_INTERVAL", "1s");
    env.put("WHATSAPP_ACCESS_TOKEN", TOKEN);
    env.put("WHATSAPP_PHONE_NUMBER_ID", PHONE_NUMBER_ID);
    env.put("WHATSAPP_API_BASE_URL", whatsapp.baseUrl());
    WhatsAppSenderConfig config = WhatsAppSenderConfig.fromEnv(new Env(env));
    return SenderService.start(config.core(), WhatsAppClient.create(config), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    producer.close();
    sender.close();
    whatsapp.close();
  }

  private void release(DeliveryRequest... requests) {
    producer.beginTransaction();
    for (DeliveryRequest request : requests) {
      producer.send(
          new ProducerRecord<>(
              topics.delivery(Platform.WHATSAPP).name(), request.recipientId(), request));
    }
    producer.commitTransaction();
  }

  private DeliveryRequest pendingRow(String to, String text) {
    return rows.insertPending(
        Platform.WHATSAPP, to, text, Instant.now().minusSeconds(1), 3600, null);
  }

  private List<ReceivedRequest> receivedFor(String to) {
    return whatsapp.requests().stream().filter(r -> to.equals(r.field("to"))).toList();
  }

  @Test
  void shouldMarkRowsSentAndFailedWhenCloudApiAnswers() {
    DeliveryRequest accepted = pendingRow("+16505550001", "Your results are in");
    DeliveryRequest outsideWindow = pendingRow("+16505550002", "Follow-up visit");
    whatsapp.failFor("+16505550002", FakeWhatsAppServer.reEngagementRequired());

    release(accepted, outsideWindow);

    await().atMost(WAIT).until(() -> "sent".equals(rows.read(accepted.messageId()).status()));
    await()
        .atMost(WAIT)
        .until(() -> "failed".equals(rows.read(outsideWindow.messageId()).status()));
    assertThat(rows.read(accepted.messageId()).platformMessageId()).startsWith("wamid.");
    assertThat(rows.read(outsideWindow.messageId()).errorMessage()).isEqualTo("whatsapp:131047");
    assertThat(receivedFor("+16505550001"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.body().path("text").path("body").asText())
                  .isEqualTo("Your results are in");
              assertThat(r.field("type")).isEqualTo("text");
            });
  }

  @Test
  void shouldNotSendTwiceWhenRecordIsReplayed() {
    DeliveryRequest request = pendingRow("+16505550003", "Take your medication");
    DeliveryRequest marker = pendingRow("+16505550004", "marker");

    release(request, request);
    release(request, marker);

    await().atMost(WAIT).until(() -> "sent".equals(rows.read(marker.messageId()).status()));
    assertThat(rows.read(request.messageId()).status()).isEqualTo("sent");
    assertThat(receivedFor("+16505550003")).hasSize(1);
  }

  @Test
  void shouldPauseNumberThenSendWithoutCountingAttemptWhenRateLimited() {
    DeliveryRequest request = pendingRow("+16505550005", "Reminder");
    whatsapp.respondWith(FakeWhatsAppServer.rateLimitHit());

    release(request);

    await().atMost(WAIT).until(() -> "sent".equals(rows.read(request.messageId()).status()));
    assertThat(rows.read(request.messageId()).attempts()).isEqualTo(1);
    List<ReceivedRequest> received = receivedFor("+16505550005");
    assertThat(received).hasSize(2);
    assertThat(received.get(1).receivedAt())
        .isAfterOrEqualTo(received.get(0).receivedAt().plusSeconds(1));
  }

  @Test
  void shouldKeepPendingThenSendAllOnceWhenTokenIsFixed() {
    whatsapp.acceptOnlyToken("EAAG-rotated");
    DeliveryRequest a = pendingRow("+16505550011", "Fatal one");
    DeliveryRequest b = pendingRow("+16505550012", "Fatal two");

    release(a, b);

    await().atMost(WAIT).until(() -> !sender.isHealthy());
    assertThat(rows.read(a.messageId()).status()).isEqualTo("pending");
    assertThat(rows.read(a.messageId()).attempts()).isZero();
    whatsapp.acceptOnlyToken(TOKEN);

    await().atMost(WAIT).until(() -> "sent".equals(rows.read(a.messageId()).status()));
    await().atMost(WAIT).until(() -> "sent".equals(rows.read(b.messageId()).status()));
    assertThat(receivedFor("+16505550011")).hasSize(1);
    assertThat(receivedFor("+16505550012")).hasSize(1);
    await().atMost(WAIT).until(sender::isHealthy);
  }

  @Test
  void shouldFollowAmbiguityPolicyWhenAnswerTimesOut() {
    DeliveryRequest failed =
        rows.insertPending(
            Platform.WHATSAPP,
            "+16505550021",
            "Fail if unknown",
            Instant.now().minusSeconds(1),
            3600,
            "{\"on_ambiguous_outcome\":\"fail\"}");
    whatsapp.failFor(
        "+16505550021", ScriptedResponse.success().delayedBy(java.time.Duration.ofSeconds(10)));

    release(failed);

    await().atMost(WAIT).until(() -> "failed".equals(rows.read(failed.messageId()).status()));
    assertThat(rows.read(failed.messageId()).errorMessage()).isEqualTo("outcome_unknown:timeout");
    assertThat(receivedFor("+16505550021")).hasSize(1);
  }

  @Test
  void shouldSendNothingWhenTopicIsReplayedFromOffsetZero() {
    DeliveryRequest a = pendingRow("+16505550031", "Replay one");
    DeliveryRequest b = pendingRow("+16505550032", "Replay two");
    release(a, b);
    await().atMost(WAIT).until(() -> "sent".equals(rows.read(a.messageId()).status()));
    await().atMost(WAIT).until(() -> "sent".equals(rows.read(b.messageId()).status()));
    int before = whatsapp.requests().size();

    try (SenderService replay = startSender(TestInfrastructure.uniqueName("replay"))) {
      await().atMost(WAIT).until(() -> replay.processor().count(Outcome.SKIPPED) >= 2);
    }

    assertThat(whatsapp.requests()).hasSize(before);
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
      DeliveryRequest sent = pendingRow("+16505559901", "Secret diagnosis alpha");
      DeliveryRequest outside = pendingRow("+16505559902", "Secret diagnosis beta");
      whatsapp.failFor("+16505559902", FakeWhatsAppServer.reEngagementRequired());
      release(sent, outside);
      await().atMost(WAIT).until(() -> "failed".equals(rows.read(outside.messageId()).status()));
      whatsapp.acceptOnlyToken("EAAG-other");
      DeliveryRequest fatal = pendingRow("+16505559903", "Secret diagnosis gamma");
      release(fatal);
      await().atMost(WAIT).until(() -> !sender.isHealthy());
      whatsapp.acceptOnlyToken(TOKEN);
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
                  .doesNotContain("65055599")
                  .doesNotContain("Secret diagnosis");
            });
  }
}

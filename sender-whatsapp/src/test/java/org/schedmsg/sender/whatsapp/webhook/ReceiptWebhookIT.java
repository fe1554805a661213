package org.schedmsg.sender.whatsapp.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryReceipt;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.infra.sandbox.FakeWhatsAppServer;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.sender.core.config.SenderConfig;
import org.schedmsg.sender.whatsapp.config.WhatsAppWebhookConfig;
import org.schedmsg.sender.whatsapp.receipt.ReceiptRepository.Result;

/**
 * The webhook on real PostgreSQL (as the sender role, with the real migrations) and real Kafka:
 * signatures, the handshake, order-safe and idempotent receipts, unknown wamids, failures.
 */
class ReceiptWebhookIT {
  private static final String SECRET = "app-secret-" + UUID.randomUUID();
  private static final String VERIFY_TOKEN = "verify-" + UUID.randomUUID();
  private static final String PHONE_NUMBER_ID = "106540352242922";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final TestInfrastructure infra = TestInfrastructure.shared();
  private final HttpClient http = HttpClient.newHttpClient();
  private Topics topics;
  private DataSource owner;
  private ReceiptWebhookService webhook;
  private URI url;

  @BeforeEach
  void start() {
    TestDatabase db = infra.newDatabase();
    topics = infra.newTopics();
    owner = db.dataSource();
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", db.jdbcUrl());
    env.put("DATABASE_USER", db.senderUser());
    env.put("DATABASE_PASSWORD", db.senderPassword());
    env.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    SenderConfig core = SenderConfig.fromEnv(new Env(env), Platform.WHATSAPP);
    webhook =
        ReceiptWebhookService.start(
            core,
            new WhatsAppWebhookConfig(0, SECRET, VERIFY_TOKEN),
            Clock.systemUTC(),
            new SimpleMeterRegistry());
    url = URI.create("http://127.0.0.1:" + webhook.port() + WhatsAppWebhookConfig.PATH);
  }

  @AfterEach
  void stop() {
    webhook.close();
  }

  @Test
  void shouldEchoChallengeWhenVerifyTokenMatches() throws Exception {
    HttpResponse<String> ok = handshake("subscribe", VERIFY_TOKEN, "1158201444");
    HttpResponse<String> wrong = handshake("subscribe", "not-the-token", "1158201444");
    HttpResponse<String> mode = handshake("unsubscribe", VERIFY_TOKEN, "1158201444");

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("1158201444");
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(wrong.body()).isEmpty();
    assertThat(mode.statusCode()).isEqualTo(403);
  }

  @Test
  void shouldRefuseWith401AndChangeNothingWhenSignatureMissingInvalidOrBodyChanged()
      throws Exception {
    String wamid = sentRow();
    String body = notification(wamid, "read", null);
    String changed = body.replace("\"read\"", "\"sent\"");

    assertThat(post(body, null).statusCode()).isEqualTo(401);
    assertThat(post(body, "sha256=" + "0".repeat(64)).statusCode()).isEqualTo(401);
    assertThat(post(body, "sha256=not-hex").statusCode()).isEqualTo(401);
    assertThat(post(body, FakeWhatsAppServer.signature("another-secret", body)).statusCode())
        .isEqualTo(401);
    assertThat(post(changed, FakeWhatsAppServer.signature(SECRET, body)).statusCode())
        .isEqualTo(401);

    Row row = row(wamid);
    assertThat(row.status()).isEqualTo("sent");
    assertThat(row.receiptStatus()).isNull();
    assertThat(webhook.receiptCount(Result.APPLIED) + webhook.receiptCount(Result.STALE)).isZero();
  }

  @Test
  void shouldRecordDeliveredThenReadAndPublishBothWhenSigned() throws Exception {
    String wamid = sentRow();

    assertThat(signedPost(notification(wamid, "delivered", null, 1_800_000_010L))).isEqualTo(200);
    assertThat(row(wamid).receiptStatus()).isEqualTo("delivered");
    assertThat(signedPost(notification(wamid, "read", null, 1_800_000_020L))).isEqualTo(200);

    Row row = row(wamid);
    assertThat(row.status()).isEqualTo("sent");
    assertThat(row.receiptStatus()).isEqualTo("read");
    assertThat(row.deliveredAt()).isEqualTo(Instant.ofEpochSecond(1_800_000_010L).toString());
    assertThat(row.readAt()).isEqualTo(Instant.ofEpochSecond(1_800_000_020L).toString());
    List<DeliveryReceipt> published = receipts(2);
    assertThat(published).extracting(DeliveryReceipt::status).containsExactly("delivered", "read");
    assertThat(published).allMatch(DeliveryReceipt::applied);
    assertThat(published).allMatch(r -> r.platformMessageId().equals(wamid));
  }

  @Test
  void shouldKeepReadWhenLateDeliveredOrDuplicateArrives() throws Exception {
    String wamid = sentRow();

    assertThat(signedPost(notification(wamid, "read", null, 1_800_000_020L))).isEqualTo(200);
    assertThat(signedPost(notification(wamid, "delivered", null, 1_800_000_010L))).isEqualTo(200);
    assertThat(signedPost(notification(wamid, "read", null, 1_800_000_020L))).isEqualTo(200);
    assertThat(signedPost(notification(wamid, "sent", null, 1_800_000_000L))).isEqualTo(200);

    Row row = row(wamid);
    assertThat(row.receiptStatus()).isEqualTo("read");
    assertThat(row.readAt()).isEqualTo(Instant.ofEpochSecond(1_800_000_020L).toString());
    assertThat(row.deliveredAt()).isEqualTo(row.readAt()); // read implies delivered
    assertThat(webhook.receiptCount(Result.APPLIED)).isEqualTo(1);
    assertThat(webhook.receiptCount(Result.STALE)).isEqualTo(3);
    assertThat(receipts(4))
        .extracting(DeliveryReceipt::applied)
        .containsExactly(true, false, false, false);
  }

  @Test
  void shouldEndAtHighestStatusWhenReceiptsRaceConcurrently() throws Exception {
    String wamid = sentRow();
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      bodies.add(notification(wamid, "sent", null));
      bodies.add(notification(wamid, "delivered", null));
      bodies.add(notification(wamid, "read", null));
    }
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (String body : bodies) {
        answers.add(pool.submit(() -> signedPost(body)));
      }
      for (Future<Integer> answer : answers) {
        assertThat(answer.get()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(row(wamid).receiptStatus()).isEqualTo("read");
    assertThat(webhook.receiptCount(Result.APPLIED)).isBetween(1.0, 3.0);
    assertThat(webhook.receiptCount(Result.APPLIED) + webhook.receiptCount(Result.STALE))
        .isEqualTo(bodies.size());
  }

  @Test
  void shouldTurnSentRowFailedWithCodeWhenFailedReceiptArrives() throws Exception {
    String wamid = sentRow();

    assertThat(signedPost(notification(wamid, "failed", 131026, 1_800_000_030L))).isEqualTo(200);
    assertThat(signedPost(notification(wamid, "delivered", null))).isEqualTo(200);

    Row row = row(wamid);
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.errorMessage()).isEqualTo("whatsapp:131026");
    assertThat(row.failedAt()).isEqualTo(Instant.ofEpochSecond(1_800_000_030L));
    assertThat(row.receiptStatus()).isEqualTo("failed");
    DeliveryReceipt failed = receipts(2).get(0);
    assertThat(failed.status()).isEqualTo("failed");
    assertThat(failed.errorCode()).isEqualTo(131026);
  }

  @Test
  void shouldIgnoreAndCountUnknownWamid() throws Exception {
    String wamid = sentRow();

    assertThat(signedPost(notification("wamid.UNKNOWN" + UUID.randomUUID(), "read", null)))
        .isEqualTo(200);

    assertThat(webhook.receiptCount(Result.UNKNOWN)).isEqualTo(1);
    assertThat(row(wamid).receiptStatus()).isNull();
    assertThat(receipts(0)).isEmpty();
  }

  @Test
  void shouldAnswer400WhenSignedBodyIsNoNotification() throws Exception {
    assertThat(signedPost("[1,2,3]")).isEqualTo(400);
    assertThat(signedPost("not json")).isEqualTo(400);
  }

  // ---- helpers ----

  private HttpResponse<String> handshake(String mode, String token, String challenge)
      throws Exception {
    String query =
        "hub.mode="
            + mode
            + "&hub.verify_token="
            + URLEncoder.encode(token, StandardCharsets.UTF_8)
            + "&hub.challenge="
            + challenge;
    return http.send(
        HttpRequest.newBuilder(URI.create(url + "?" + query)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int signedPost(String body) throws Exception {
    return post(body, FakeWhatsAppServer.signature(SECRET, body)).statusCode();
  }

  private HttpResponse<String> post(String body, String signature) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (signature != null) {
      request.header("X-Hub-Signature-256", signature);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String notification(String wamid, String status, Integer code) {
    return notification(wamid, status, code, Instant.now().getEpochSecond());
  }

  private static String notification(String wamid, String status, Integer code, long epoch) {
    return FakeWhatsAppServer.statusNotification(
        PHONE_NUMBER_ID, wamid, status, "4915112345678", epoch, code);
  }

  /** A WhatsApp row the sender wrote sent, with its wamid; returns the wamid. */
  private String sentRow() throws SQLException {
    String wamid = "wamid.TEST" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = owner.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
                    + " scheduled_time, status, attempts, sent_at, metadata) VALUES (?,"
                    + " '4915112345678', 'whatsapp', 'x', now(), 'sent', 1, now(),"
                    + " jsonb_build_object('platform_message_id', ?::text))")) {
      ps.setObject(1, UUID.randomUUID());
      ps.setString(2, wamid);
      ps.executeUpdate();
    }
    return wamid;
  }

  record Row(
      String status,
      String errorMessage,
      Instant failedAt,
      String receiptStatus,
      String deliveredAt,
      String readAt) {}

  private Row row(String wamid) throws SQLException {
    try (Connection c = owner.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT status, error_message, failed_at, metadata->>'receipt_status',"
                    + " metadata->>'delivered_at', metadata->>'read_at' FROM scheduled_messages"
                    + " WHERE metadata->>'platform_message_id' = ?")) {
      ps.setString(1, wamid);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        java.sql.Timestamp failedAt = rs.getTimestamp(3);
        return new Row(
            rs.getString(1),
            rs.getString(2),
            failedAt == null ? null : failedAt.toInstant(),
            rs.getString(4),
            rs.getString(5),
            rs.getString(6));
      }
    }
  }

  /** The receipts published so far, once {@code count} are there (waits for them). */
  private List<DeliveryReceipt> receipts(int count) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, TestInfrastructure.uniqueName("receipts"));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<DeliveryReceipt> seen = new ArrayList<>();
    try (KafkaConsumer<String, DeliveryReceipt> consumer =
        new KafkaConsumer<>(
            props,
            topics.receipts().keySerde().deserializer(),
            topics.receipts().valueSerde().deserializer())) {
      consumer.subscribe(List.of(topics.receipts().name()));
      await()
          .atMost(WAIT)
          .until(
              () -> {
                for (ConsumerRecord<String, DeliveryReceipt> r :
                    consumer.poll(Duration.ofMillis(200))) {
                  assertThat(r.key()).isEqualTo(r.value().messageId().toString());
                  seen.add(r.value());
                }
                return seen.size() >= count && consumer.assignment().size() > 0;
              });
    }
    return seen;
  }
}

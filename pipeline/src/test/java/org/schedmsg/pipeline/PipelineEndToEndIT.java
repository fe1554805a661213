package org.schedmsg.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryHeaders;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.SettingKeys;
import org.schedmsg.contracts.testing.ContractSchemas;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.sandbox.FakeWhatsAppServer;
import org.schedmsg.infra.sandbox.ReceivedRequest;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.pipeline.config.DatabaseLogin;
import org.schedmsg.pipeline.config.PipelineConfig;

/**
 * The whole path on real parts: embedded PostgreSQL with logical decoding, a real Kafka broker, the
 * four services, and local HTTP servers speaking the Telegram Bot API and the WhatsApp Cloud API.
 * Upstream writes rows; the test watches the rows and what the platforms received.
 */
class PipelineEndToEndIT {
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
  private static final String TELEGRAM_TOKEN = "123456:tg-secret-" + UUID.randomUUID();
  private static final String WHATSAPP_TOKEN = "EAAG-wa-secret-" + UUID.randomUUID();
  private static final String PHONE_NUMBER_ID = "106540352242922";

  private static CapturedLogs logs;
  private static Topics topics;
  private static String bootstrapServers;
  private static FakeTelegramServer telegram;
  private static FakeWhatsAppServer whatsapp;
  private static Pipeline pipeline;
  private static OpsServer ops;
  private static MessageTable table;
  private static PrometheusMeterRegistry registry;

  /** The scheduler's bound on released-but-unsent messages per platform in this run. */
  private static final int MAX_UNSENT = 5;

  /**
   * How far the bound may be overrun: each scheduler task (one per CDC partition) may release one
   * message per measurement while the measurement cannot yet see the others' uncommitted releases
   * (two measurement rounds), plus a transaction marker per delivery partition (see
   * scheduler-stream, "Scaling out"). Without the bound all 60 would be outstanding.
   */
  private static final int SLACK = 2 * Topics.CDC_PARTITIONS + 2 * Topics.DELIVERY_PARTITIONS;

  /** Every recipient id and text the tests used: none may appear in a log line. */
  private static final List<String> patientData = new ArrayList<>();

  @BeforeAll
  static void startPipeline() throws Exception {
    logs = CapturedLogs.attachToRoot();
    TestInfrastructure infra = TestInfrastructure.shared();
    TestDatabase db = infra.newDatabase();
    topics = infra.newTopics();
    bootstrapServers = infra.bootstrapServers();
    telegram = FakeTelegramServer.start(0, TELEGRAM_TOKEN);
    whatsapp = FakeWhatsAppServer.start(0, WHATSAPP_TOKEN, PHONE_NUMBER_ID);
    Path stateDir = Files.createTempDirectory("scheduler-state");

    Map<String, String> env = new HashMap<>();
    env.put(SettingKeys.DATABASE_URL, db.jdbcUrl());
    env.put(SettingKeys.KAFKA_BOOTSTRAP_SERVERS, infra.bootstrapServers());
    env.put(SettingKeys.TOPIC_NAMESPACE, topics.namespace());
    env.put("SCHEDULER_STATE_DIR", stateDir.toString());
    env.put("CDC_SLOT_NAME", TestInfrastructure.uniqueName("slot"));
    env.put("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN);
    env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
    env.put("WHATSAPP_ACCESS_TOKEN", WHATSAPP_TOKEN);
    env.put("WHATSAPP_PHONE_NUMBER_ID", PHONE_NUMBER_ID);
    env.put("WHATSAPP_API_BASE_URL", whatsapp.baseUrl());
    env.put("SCHEDULER_MAX_UNSENT", Integer.toString(MAX_UNSENT));
    env.put("SENDER_FATAL_RETRY_INTERVAL", "1s");
    registry = OpsServer.newRegistry();
    pipeline =
        Pipeline.start(
            new PipelineConfig(
                env,
                new DatabaseLogin(db.ingestorUser(), db.ingestorPassword()),
                new DatabaseLogin(db.senderUser(), db.senderPassword())),
            registry);
    ops = pipeline.withChecks(OpsServer.start(0, registry));
    pipeline.awaitRunning();
    table = new MessageTable(db.dataSource());
  }

  @AfterAll
  static void stopPipelineAndCheckLogs() {
    if (ops != null) {
      ops.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
    if (telegram != null) {
      telegram.close();
    }
    if (whatsapp != null) {
      whatsapp.close();
    }
    logs.detach();
    List<String> secrets = new ArrayList<>(patientData);
    secrets.add(TELEGRAM_TOKEN);
    secrets.add(WHATSAPP_TOKEN);
    assertThat(logs.lines()).isNotEmpty();
    for (String line : logs.lines()) {
      for (String secret : secrets) {
        assertThat(line).as("a log line leaks patient data or a token").doesNotContain(secret);
      }
    }
    assertEveryRecordMatchesItsPublishedSchema();
  }

  /** Every record the run produced validates against its schema; deliveries carry all headers. */
  private static void assertEveryRecordMatchesItsPublishedSchema() {
    Map<String, String> schemaOf = new HashMap<>();
    topics.descriptors().stream()
        .filter(d -> d.valueSchema() != null)
        .forEach(d -> schemaOf.put(d.name(), d.valueSchema()));
    int checked = 0;
    for (Map.Entry<String, String> topic : schemaOf.entrySet()) {
      for (var record : TopicRecords.readAll(bootstrapServers, topic.getKey())) {
        if (record.value() == null) {
          continue; // a tombstone
        }
        String json = new String(record.value(), StandardCharsets.UTF_8);
        assertThat(ContractSchemas.violations(topic.getValue(), json))
            .as("record %s-%d@%d", record.topic(), record.partition(), record.offset())
            .isEmpty();
        checked++;
      }
    }
    for (var topic : topics.deliveryTopics()) {
      for (var record : TopicRecords.readAll(bootstrapServers, topic.name())) {
        for (String header : DeliveryHeaders.ALL) {
          assertThat(record.headers().lastHeader(header)).as("header %s", header).isNotNull();
        }
      }
    }
    assertThat(checked).as("records validated").isGreaterThan(10);
  }

  private static String telegramChat() {
    String chat =
        Long.toString(ThreadLocalRandom.current().nextLong(100_000_000_000L, 999_999_999_999L));
    patientData.add(chat);
    return chat;
  }

  private static String whatsappNumber() {
    String number = "49" + ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_999_999_999L);
    patientData.add(number);
    return number;
  }

  private static String text(String what) {
    String text = what + " " + UUID.randomUUID();
    patientData.add(text);
    return text;
  }

  private static List<ReceivedRequest> telegramRequestsFor(String chat) {
    return telegram.requests().stream().filter(r -> chat.equals(r.field("chat_id"))).toList();
  }

  private static List<ReceivedRequest> whatsappRequestsFor(String number) {
    return whatsapp.requests().stream().filter(r -> number.equals(r.field("to"))).toList();
  }

  @Test
  void shouldDeliverOnceAndRecordSentWhenMessageIsDueNow() throws Exception {
    String chat = telegramChat();
    String text = text("Take your 08:00 medication");
    Instant due = Instant.now();
    UUID id = table.insert("telegram", chat, text, due, 5);

    await().atMost(DELIVERY_TIMEOUT).until(() -> "sent".equals(table.status(id)));

    MessageTable.Row row = table.find(id).orElseThrow();
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(row.sentAt()).isAfterOrEqualTo(due);
    assertThat(row.errorMessage()).isNull();
    assertThat(row.platformMessageId()).isNotBlank();
    List<ReceivedRequest> received = telegramRequestsFor(chat);
    assertThat(received).hasSize(1);
    assertThat(received.get(0).field("text")).isEqualTo(text);
    assertThat(received.get(0).path()).endsWith("/sendMessage").doesNotContain(TELEGRAM_TOKEN);
    assertThat(received.get(0).traceparent())
        .as("the trace id is the message id, from the release to the platform request")
        .startsWith("00-" + id.toString().replace("-", "") + "-");
    // nothing arrives a second time while the pipeline keeps running
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> telegramRequestsFor(chat).size() == 1);
  }

  @Test
  void shouldNotDeliverBeforeScheduledTimeWhenDueInAFewSeconds() throws Exception {
    String chat = telegramChat();
    String text = text("Your appointment is tomorrow");
    Instant due = Instant.now().plusSeconds(4);
    UUID id = table.insert("telegram", chat, text, due, 5);

    await().atMost(DELIVERY_TIMEOUT).until(() -> "sent".equals(table.status(id)));

    List<ReceivedRequest> received = telegramRequestsFor(chat);
    assertThat(received).hasSize(1);
    assertThat(received.get(0).receivedAt()).isAfterOrEqualTo(due);
    assertThat(Duration.between(due, received.get(0).receivedAt()))
        .isLessThan(Duration.ofSeconds(3));
    assertThat(table.find(id).orElseThrow().sentAt()).isAfterOrEqualTo(due);
  }

  @Test
  void shouldNeverDeliverWhenCancelledBeforeItsTime() throws Exception {
    String chat = telegramChat();
    Instant due = Instant.now().plusSeconds(3);
    UUID cancelled = table.insert("telegram", chat, text("Cancelled reminder"), due, 5);
    table.cancel(cancelled);
    // a second message to the same chat, due later, shows the pipeline did process this chat
    UUID control = table.insert("telegram", chat, text("Control reminder"), due.plusSeconds(2), 5);

    await().atMost(DELIVERY_TIMEOUT).until(() -> "sent".equals(table.status(control)));

    assertThat(table.status(cancelled)).isEqualTo("cancelled");
    assertThat(table.find(cancelled).orElseThrow().attempts()).isZero();
    assertThat(telegramRequestsFor(chat)).hasSize(1);
  }

  @Test
  void shouldReleasePriorityOneFirstWhenDueAtTheSameInstant() throws Exception {
    String chat = telegramChat();
    Instant due = Instant.now().plusSeconds(3);
    String bulk = text("Newsletter");
    String urgent = text("Urgent: take your insulin");
    UUID bulkId = table.insert("telegram", chat, bulk, due, 9);
    UUID urgentId = table.insert("telegram", chat, urgent, due, 1);

    await()
        .atMost(DELIVERY_TIMEOUT)
        .until(() -> "sent".equals(table.status(bulkId)) && "sent".equals(table.status(urgentId)));

    List<String> order = telegramRequestsFor(chat).stream().map(r -> r.field("text")).toList();
    assertThat(order).containsExactly(urgent, bulk);
    assertThat(table.find(urgentId).orElseThrow().sentAt())
        .isBefore(table.find(bulkId).orElseThrow().sentAt());
  }

  /**
   * Back-pressure end to end: while the Telegram sender cannot send (token rejected), the scheduler
   * releases only about {@code SCHEDULER_MAX_UNSENT} of a bulk backlog and keeps the rest in its
   * priority index, so an urgent message written later overtakes the held bulk once sending
   * resumes. Without the bound, all 60 bulk messages would sit in the FIFO delivery topic ahead of
   * it (the release rate is 30/s).
   */
  @Test
  void shouldDeliverLaterUrgentBeforeHeldBulkWhenSenderWasBehind() throws Exception {
    telegram.acceptOnlyToken(TELEGRAM_TOKEN + "-rotated");
    List<UUID> bulk = new ArrayList<>();
    try {
      Instant due = Instant.now();
      for (int i = 0; i < 60; i++) {
        bulk.add(table.insert("telegram", telegramChat(), text("Bulk"), due, 9));
      }
      await().atMost(DELIVERY_TIMEOUT).until(() -> unsentTelegram() >= MAX_UNSENT);
      // the bound holds: no further releases while the sender is behind
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(() -> unsentTelegram() <= MAX_UNSENT + SLACK);
    } finally {
      telegram.acceptOnlyToken(TELEGRAM_TOKEN);
    }
    UUID urgent = table.insert("telegram", telegramChat(), text("Urgent"), Instant.now(), 1);

    List<UUID> all = new ArrayList<>(bulk);
    all.add(urgent);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> all.stream().allMatch(id -> "sent".equals(statusOf(id))));
    List<Instant> bulkSent = new ArrayList<>();
    for (UUID id : bulk) {
      bulkSent.add(table.find(id).orElseThrow().sentAt());
    }
    Instant urgentSent = table.find(urgent).orElseThrow().sentAt();
    long bulkBeforeUrgent = bulkSent.stream().filter(t -> t.isBefore(urgentSent)).count();
    assertThat(bulkBeforeUrgent)
        .as("bulk messages sent before the later urgent one")
        .isLessThanOrEqualTo(MAX_UNSENT + SLACK);
  }

  private static double unsentTelegram() {
    return registry
        .get("schedmsg.scheduler.sender.unsent")
        .tag("platform", "telegram")
        .gauge()
        .value();
  }

  private static String statusOf(UUID id) {
    try {
      return table.status(id);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Clinical safety at the moment of send: a release waits in the delivery topic while the sender
   * cannot send (its token is rejected), and upstream corrects the recipient and the text. The
   * patient data goes to the new recipient only, once, with the new text: the sender sends the row
   * as it is at the claim, and the waiting release of the old version claims nothing.
   */
  @Test
  void shouldSendNewTextToNewRecipientOnceWhenEditedWhileReleaseWaitsInTopic() throws Exception {
    String oldChat = telegramChat();
    String newChat = telegramChat();
    String oldText = text("Old dose");
    String newText = text("Corrected dose");
    telegram.acceptOnlyToken(TELEGRAM_TOKEN + "-rotated");
    UUID id;
    try {
      id = table.insert("telegram", oldChat, oldText, Instant.now(), 3);
      // the release reached the sender, which tried and gave the claim back (token rejected)
      await().atMost(DELIVERY_TIMEOUT).until(() -> table.attemptStates(id).contains("given_back"));
      // the sender retries every second; an edit that meets a claim in flight is refused (SM001)
      await()
          .atMost(DELIVERY_TIMEOUT)
          .until(() -> table.editRecipientAndText(id, newChat, newText) == null);
    } finally {
      telegram.acceptOnlyToken(TELEGRAM_TOKEN);
    }

    await().atMost(DELIVERY_TIMEOUT).until(() -> "sent".equals(table.status(id)));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> telegramRequestsFor(newChat).size() == 1);
    assertThat(telegramRequestsFor(newChat).get(0).field("text")).isEqualTo(newText);
    assertThat(telegramRequestsFor(oldChat)).as("the old recipient gets nothing").isEmpty();
    assertThat(table.recipient(id)).isEqualTo(newChat);
    assertThat(table.find(id).orElseThrow().attempts()).isEqualTo(1);
  }

  /**
   * A cancel that arrives while the message is being sent does not silently win: it fails with
   * SQLSTATE SM001, and the row ends as what the platform received (sent, once). After the outcome
   * the same cancel changes nothing.
   */
  @Test
  void shouldRefuseCancelDuringSlowSendAndEndRowAsWhatPlatformReceived() throws Exception {
    String chat = telegramChat();
    String text = text("Appointment at 09:30");
    telegram.respondWith(
        org.schedmsg.infra.sandbox.ScriptedResponse.success().delayedBy(Duration.ofSeconds(4)));
    UUID id = table.insert("telegram", chat, text, Instant.now(), 2);
    await().atMost(DELIVERY_TIMEOUT).until(() -> table.attemptStates(id).contains("in_flight"));

    String cancelDuringSend = table.cancelPending(id);

    assertThat(cancelDuringSend).as("SQLSTATE of the cancel during the send").isEqualTo("SM001");
    await().atMost(DELIVERY_TIMEOUT).until(() -> "sent".equals(table.status(id)));
    assertThat(telegramRequestsFor(chat)).hasSize(1);
    assertThat(telegramRequestsFor(chat).get(0).field("text")).isEqualTo(text);
    assertThat(table.attemptStates(id)).containsExactly("sent");
    assertThat(table.cancelPending(id)).isNull(); // no error: it simply matches no pending row
    assertThat(table.status(id)).isEqualTo("sent");
  }

  @Test
  void shouldDeliverWhatsAppTextToTheRightNumberWhenDue() throws Exception {
    String number = whatsappNumber();
    String text = text("Take your evening medication");
    UUID id = table.insert("whatsapp", number, text, Instant.now(), 5);

    await().atMost(DELIVERY_TIMEOUT).until(() -> "sent".equals(table.status(id)));

    List<ReceivedRequest> received = whatsappRequestsFor(number);
    assertThat(received).hasSize(1);
    assertThat(received.get(0).path()).endsWith("/" + PHONE_NUMBER_ID + "/messages");
    assertThat(received.get(0).body().path("messaging_product").asText()).isEqualTo("whatsapp");
    assertThat(received.get(0).body().path("type").asText()).isEqualTo("text");
    assertThat(received.get(0).body().path("text").path("body").asText()).isEqualTo(text);
    assertThat(table.find(id).orElseThrow().platformMessageId()).startsWith("wamid.");
  }

  @Test
  void shouldEndFailedWithReasonWhenPlatformRejectsTheMessage() throws Exception {
    String number = whatsappNumber();
    whatsapp.failFor(number, FakeWhatsAppServer.reEngagementRequired());
    UUID id = table.insert("whatsapp", number, text("Outside the 24h window"), Instant.now(), 5);

    await().atMost(DELIVERY_TIMEOUT).until(() -> "failed".equals(table.status(id)));

    MessageTable.Row row = table.find(id).orElseThrow();
    assertThat(row.errorMessage()).isEqualTo("whatsapp:131047");
    assertThat(row.failedAt()).isNotNull();
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(row.sentAt()).isNull();
  }

  @Test
  void shouldExposeReadinessAndEveryStageMetricsWhenMessagesFlow() throws Exception {
    UUID id = table.insert("telegram", telegramChat(), text("Metrics probe"), Instant.now(), 2);
    await().atMost(DELIVERY_TIMEOUT).until(() -> "sent".equals(table.status(id)));

    HttpClient http = HttpClient.newHttpClient();
    URI base = URI.create("http://127.0.0.1:" + ops.port());
    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(base.resolve("/health/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    String metrics =
        http.send(
                HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains("schedmsg_cdc_changes_total")
        .contains("schedmsg_cdc_commit_to_ack")
        .contains("schedmsg_cdc_slot_retained_wal")
        .contains("schedmsg_scheduler_pending")
        .contains("schedmsg_scheduler_release_lateness")
        .contains("schedmsg_scheduler_released_total")
        .contains("schedmsg_sender_sends_total")
        .contains("schedmsg_sender_rate_limit_pauses")
        .contains("schedmsg_sender_claim_conflicts");
  }

  /**
   * The dashboard and the alert rules in {@code monitoring/} read only what the services register:
   * every metric name of every dashboard query, dashboard variable and alert rule is in this run's
   * scrape, with the label names and the literal label values its selectors and grouping clauses
   * use ({@link MonitoringFiles#driftAgainst}). Meters a first event creates (sends, send latency,
   * rejections) are made to exist first: one message is sent and one expires. Only Prometheus's own
   * series ({@link MonitoringFiles#PROMETHEUS_SERIES}) are exempt.
   */
  @Test
  void shouldEmitEveryMetricTheDashboardAndAlertsUse() throws Exception {
    UUID sent = table.insert("telegram", telegramChat(), text("Probe"), Instant.now(), 4);
    UUID expired =
        table.insert(
            "telegram", telegramChat(), text("Expired probe"), Instant.now().minusSeconds(120), 4);
    await()
        .atMost(DELIVERY_TIMEOUT)
        .until(() -> "sent".equals(table.status(sent)) && "failed".equals(table.status(expired)));
    assertThat(table.find(expired).orElseThrow().errorMessage())
        .isEqualTo("delivery_window_expired");

    List<MonitoringFiles.Expression> expressions = MonitoringFiles.expressions();
    assertThat(expressions).hasSizeGreaterThan(20);
    // the sender counts a rejection right after it wrote the row: allow the meters a moment
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(MonitoringFiles.driftAgainst(registry.scrape(), expressions))
                    .as("monitoring expressions that do not match the services' meters")
                    .isEmpty());
  }

  @Test
  void shouldEndFailedWithoutCallingPlatformWhenDeliveryWindowHasPassed() throws Exception {
    String chat = telegramChat();
    UUID id = table.insert("telegram", chat, text("Too late"), Instant.now().minusSeconds(120), 5);

    await().atMost(DELIVERY_TIMEOUT).until(() -> "failed".equals(table.status(id)));

    MessageTable.Row row = table.find(id).orElseThrow();
    assertThat(row.errorMessage()).isEqualTo("delivery_window_expired");
    assertThat(row.attempts()).isZero();
    assertThat(telegramRequestsFor(chat)).isEmpty();
  }

  @Test
  void shouldEndFailedWithReasonWhenTelegramChatDoesNotExist() throws Exception {
    String chat = telegramChat();
    telegram.failFor(chat, FakeTelegramServer.chatNotFound());
    UUID id = table.insert("telegram", chat, text("To a missing chat"), Instant.now(), 5);

    await().atMost(DELIVERY_TIMEOUT).until(() -> "failed".equals(table.status(id)));

    assertThat(table.find(id).orElseThrow().errorMessage())
        .isEqualTo("telegram:400:chat_not_found");
  }
}

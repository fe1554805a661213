package org.schedmsg.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
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
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.SettingKeys;
import org.schedmsg.contracts.testing.ContractSchemas;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.sandbox.FakeWhatsAppServer;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.pipeline.config.DatabaseLogin;
import org.schedmsg.pipeline.config.PipelineConfig;

/**
 * WhatsApp delivery receipts end to end: the whole pipeline sends through the sandbox, which then
 * calls the sender's webhook with signed status notifications as Meta does; the rows end {@code
 * delivered} then {@code read}, or {@code failed} with the code, and the receipts topic holds them.
 */
class WhatsAppReceiptsEndToEndIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(45);
  private static final String TELEGRAM_TOKEN = "123456:tg-secret-" + UUID.randomUUID();
  private static final String WHATSAPP_TOKEN = "EAAG-wa-secret-" + UUID.randomUUID();
  private static final String APP_SECRET = "app-secret-" + UUID.randomUUID();
  private static final String VERIFY_TOKEN = "verify-token-" + UUID.randomUUID();
  private static final String PHONE_NUMBER_ID = "106540352242922";

  private static final List<String> patientData = new ArrayList<>();
  private static CapturedLogs logs;
  private static Topics topics;
  private static String bootstrapServers;
  private static FakeTelegramServer telegram;
  private static FakeWhatsAppServer whatsapp;
  private static Pipeline pipeline;
  private static MessageTable table;

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
    env.put("WHATSAPP_WEBHOOK_PORT", "0");
    env.put("WHATSAPP_APP_SECRET", APP_SECRET);
    env.put("WHATSAPP_WEBHOOK_VERIFY_TOKEN", VERIFY_TOKEN);
    PrometheusMeterRegistry registry = OpsServer.newRegistry();
    pipeline =
        Pipeline.start(
            new PipelineConfig(
                env,
                new DatabaseLogin(db.ingestorUser(), db.ingestorPassword()),
                new DatabaseLogin(db.senderUser(), db.senderPassword())),
            registry);
    pipeline.awaitRunning();
    int port = pipeline.whatsAppWebhookPort().orElseThrow();
    whatsapp.sendStatusCallbacks(
        URI.create("http://127.0.0.1:" + port + "/webhooks/whatsapp"),
        APP_SECRET,
        Duration.ofMillis(700));
    table = new MessageTable(db.dataSource());
  }

  @AfterAll
  static void stopPipelineAndCheckLogs() {
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
    secrets.add(WHATSAPP_TOKEN);
    secrets.add(APP_SECRET);
    secrets.add(VERIFY_TOKEN);
    for (String line : logs.lines()) {
      for (String secret : secrets) {
        assertThat(line).as("a log line leaks patient data or a secret").doesNotContain(secret);
      }
    }
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

  @Test
  void shouldReachDeliveredThenReadWhenSandboxReportsThem() throws Exception {
    UUID id =
        table.insert("whatsapp", whatsappNumber(), text("Take your insulin"), Instant.now(), 1);

    List<String> seen = new ArrayList<>();
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              String receipt = table.metadata(id, "receipt_status");
              if (receipt != null
                  && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(receipt))) {
                seen.add(receipt);
              }
              return "read".equals(receipt);
            });

    assertThat(seen).containsSubsequence("delivered", "read");
    assertThat(table.status(id)).isEqualTo("sent");
    assertThat(table.metadata(id, "delivered_at")).isNotBlank();
    assertThat(table.metadata(id, "read_at")).isNotBlank();
    assertThat(receiptStatuses(id, 2)).containsExactly("delivered", "read");
  }

  @Test
  void shouldEndFailedWithCodeWhenReceiptSaysFailed() throws Exception {
    String number = whatsappNumber();
    whatsapp.failReceiptsFor(number, 131047);
    UUID id = table.insert("whatsapp", number, text("Your appointment"), Instant.now(), 1);

    await().atMost(TIMEOUT).until(() -> "failed".equals(table.status(id)));

    MessageTable.Row row = table.find(id).orElseThrow();
    assertThat(row.errorMessage()).isEqualTo("whatsapp:131047");
    assertThat(row.sentAt()).isNotNull();
    assertThat(row.failedAt()).isNotNull();
    assertThat(table.metadata(id, "receipt_error_code")).isEqualTo("131047");
    assertThat(receiptStatuses(id, 1)).containsExactly("failed");
  }

  /**
   * The statuses published for {@code id}, once {@code count} are there; each matches its schema.
   */
  private static List<String> receiptStatuses(UUID id, int count) {
    List<String> statuses = new ArrayList<>();
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              statuses.clear();
              for (var record : TopicRecords.readAll(bootstrapServers, topics.receipts().name())) {
                if (!id.toString().equals(new String(record.key(), StandardCharsets.UTF_8))) {
                  continue;
                }
                String json = new String(record.value(), StandardCharsets.UTF_8);
                assertThat(ContractSchemas.violations("delivery-receipt.v1.schema.json", json))
                    .isEmpty();
                statuses.add(
                    topics
                        .receipts()
                        .valueSerde()
                        .deserializer()
                        .deserialize(record.topic(), record.value())
                        .status());
              }
              return statuses.size() >= count;
            });
    return statuses;
  }
}

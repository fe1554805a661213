package org.schedmsg.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.config.SettingKeys;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.sandbox.FakeWhatsAppServer;
import org.schedmsg.infra.sandbox.ReceivedRequest;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.pipeline.config.DatabaseLogin;
import org.schedmsg.pipeline.config.PipelineConfig;

/**
 * Recurring messages through the whole pipeline (embedded PostgreSQL, real Kafka, the four
 * services, a fake Telegram Bot API): the sender inserts each next occurrence, CDC carries it to
 * the scheduler like any upstream insert.
 */
class RecurringSeriesEndToEndIT {
  private static final Duration SERIES_TIMEOUT = Duration.ofSeconds(60);
  private static final String TELEGRAM_TOKEN = "123456:tg-secret-" + UUID.randomUUID();
  private static final String WHATSAPP_TOKEN = "EAAG-wa-secret-" + UUID.randomUUID();

  private static CapturedLogs logs;
  private static FakeTelegramServer telegram;
  private static FakeWhatsAppServer whatsapp;
  private static Pipeline pipeline;
  private static DataSource owner;
  private static MessageTable table;

  /** Every recipient id and text the tests used: none may appear in a log line. */
  private static final List<String> patientData = new ArrayList<>();

  @BeforeAll
  static void startPipeline() throws Exception {
    logs = CapturedLogs.attachToRoot();
    TestInfrastructure infra = TestInfrastructure.shared();
    TestDatabase db = infra.newDatabase();
    telegram = FakeTelegramServer.start(0, TELEGRAM_TOKEN);
    whatsapp = FakeWhatsAppServer.start(0, WHATSAPP_TOKEN, "106540352242922");
    Path stateDir = Files.createTempDirectory("scheduler-state");

    Map<String, String> env = new HashMap<>();
    env.put(SettingKeys.DATABASE_URL, db.jdbcUrl());
    env.put(SettingKeys.KAFKA_BOOTSTRAP_SERVERS, infra.bootstrapServers());
    env.put(SettingKeys.TOPIC_NAMESPACE, infra.newTopics().namespace());
    env.put("SCHEDULER_STATE_DIR", stateDir.toString());
    env.put("CDC_SLOT_NAME", TestInfrastructure.uniqueName("slot"));
    env.put("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN);
    env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
    env.put("WHATSAPP_ACCESS_TOKEN", WHATSAPP_TOKEN);
    env.put("WHATSAPP_PHONE_NUMBER_ID", "106540352242922");
    env.put("WHATSAPP_API_BASE_URL", whatsapp.baseUrl());
    PrometheusMeterRegistry registry = org.schedmsg.observability.OpsServer.newRegistry();
    pipeline =
        Pipeline.start(
            new PipelineConfig(
                env,
                new DatabaseLogin(db.ingestorUser(), db.ingestorPassword()),
                new DatabaseLogin(db.senderUser(), db.senderPassword())),
            registry);
    pipeline.awaitRunning();
    owner = db.dataSource();
    table = new MessageTable(owner);
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
    for (String line : logs.lines()) {
      for (String secret : patientData) {
        assertThat(line).as("a log line leaks patient data").doesNotContain(secret);
      }
      assertThat(line).doesNotContain(TELEGRAM_TOKEN);
    }
  }

  @Test
  void shouldSendThreeLinkedOccurrencesWhenSeriesCountIsThree() throws Exception {
    String chat = telegramChat();
    UUID first =
        insertRecurring(
            chat, "{\"rrule\": \"FREQ=SECONDLY;INTERVAL=3;COUNT=3\", \"timezone\": \"UTC\"}");

    await()
        .atMost(SERIES_TIMEOUT)
        .until(() -> statuses(first).equals(List.of("sent", "sent", "sent")));

    List<Occurrence> series = series(first);
    assertThat(series).extracting(Occurrence::number).containsExactly(1, 2, 3);
    assertThat(series.get(1).scheduledTime())
        .isEqualTo(series.get(0).scheduledTime().plusSeconds(3));
    assertThat(series.get(2).scheduledTime())
        .isEqualTo(series.get(0).scheduledTime().plusSeconds(6));
    assertThat(telegramRequestsFor(chat)).hasSize(3);
    // the third was the last: no fourth row, no fourth request
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(10))
        .until(() -> series(first).size() == 3 && telegramRequestsFor(chat).size() == 3);
  }

  @Test
  void shouldStopSeriesWhenPendingOccurrenceIsCancelled() throws Exception {
    String chat = telegramChat();
    UUID first =
        insertRecurring(chat, "{\"rrule\": \"FREQ=SECONDLY;INTERVAL=10\", \"timezone\": \"UTC\"}");
    await().atMost(SERIES_TIMEOUT).until(() -> statuses(first).equals(List.of("sent", "pending")));
    Occurrence second = series(first).get(1);

    table.cancel(second.id());

    await()
        .during(Duration.ofSeconds(12))
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                statuses(first).equals(List.of("sent", "cancelled"))
                    && telegramRequestsFor(chat).size() == 1);
  }

  private static String telegramChat() {
    String chat =
        Long.toString(ThreadLocalRandom.current().nextLong(100_000_000_000L, 999_999_999_999L));
    patientData.add(chat);
    return chat;
  }

  private static List<ReceivedRequest> telegramRequestsFor(String chat) {
    return telegram.requests().stream().filter(r -> chat.equals(r.field("chat_id"))).toList();
  }

  private record Occurrence(UUID id, int number, String status, Instant scheduledTime) {}

  private static UUID insertRecurring(String chat, String pattern) throws SQLException {
    UUID id = UUID.randomUUID();
    String text = "Take your medication " + UUID.randomUUID();
    patientData.add(text);
    try (Connection c = owner.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
                    + " scheduled_time, status, recurrence_pattern)"
                    + " VALUES (?, ?, 'telegram', ?, ?, 'pending', ?::jsonb)")) {
      s.setObject(1, id);
      s.setString(2, chat);
      s.setString(3, text);
      // whole seconds: the series start (DTSTART) is cut to seconds
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      s.setObject(4, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      s.setString(5, pattern);
      s.executeUpdate();
    }
    return id;
  }

  /** The first row and every row linked to it, in order of occurrence. */
  private static List<Occurrence> series(UUID first) throws SQLException {
    try (Connection c = owner.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id, coalesce((metadata->>'occurrence')::int, 1), status, scheduled_time"
                    + " FROM scheduled_messages WHERE id = ? OR metadata->>'series_id' = ?"
                    + " ORDER BY scheduled_time")) {
      s.setObject(1, first);
      s.setString(2, first.toString());
      List<Occurrence> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new Occurrence(
                  rs.getObject(1, UUID.class),
                  rs.getInt(2),
                  rs.getString(3),
                  rs.getObject(4, OffsetDateTime.class).toInstant()));
        }
      }
      return rows;
    }
  }

  private static List<String> statuses(UUID first) throws SQLException {
    return series(first).stream().map(Occurrence::status).toList();
  }
}

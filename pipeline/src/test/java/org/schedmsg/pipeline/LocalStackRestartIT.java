package org.schedmsg.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.infra.postgres.DevCredentials;
import org.schedmsg.infra.testing.RestartableStack;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.pipeline.config.LocalRunConfig;
import org.schedmsg.sender.whatsapp.config.WhatsAppWebhookConfig;

/**
 * The local run's promise (README, "The two commands"): stop it cleanly and start it again on the
 * same data directory, and it carries on. The stack and the pipeline start twice on one directory
 * with the same (free) ports, as {@code ./run-local.sh} does; a message scheduled before the stop
 * and due after it is delivered once by the second run, never early.
 */
class LocalStackRestartIT {
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final List<String> patientData = new ArrayList<>();
  private CapturedLogs logs;
  private Path dataDir;
  private LocalRunConfig run;
  private Map<String, String> userEnvironment;
  private LocalStack stack;
  private Pipeline pipeline;

  @BeforeEach
  void choosePortsAndDataDirectory() throws IOException {
    logs = CapturedLogs.attachToRoot();
    dataDir = Files.createTempDirectory("schedmsg-local-restart");
    run =
        new LocalRunConfig(
            RestartableStack.freePort(),
            RestartableStack.freePortWithFreeNext(),
            RestartableStack.freePort(),
            RestartableStack.freePort(),
            dataDir,
            LocalRunConfig.DEFAULT_DATABASE,
            RestartableStack.freePort());
    userEnvironment = new HashMap<>();
    userEnvironment.put(
        WhatsAppWebhookConfig.WHATSAPP_WEBHOOK_PORT, Integer.toString(RestartableStack.freePort()));
    userEnvironment.put("SENDER_FATAL_RETRY_INTERVAL", "1s");
  }

  @AfterEach
  void stopAndCheckLogs() {
    stop();
    logs.detach();
    for (String line : logs.lines()) {
      for (String secret : patientData) {
        assertThat(line).as("a log line leaks patient data").doesNotContain(secret);
      }
    }
  }

  @Test
  void shouldDeliverAfterRestartOnKeptDataWhenScheduledBeforeCleanStop() throws Exception {
    start();
    DataSource db = ownerDataSource();

    // the first run works: a message due now goes out
    String firstChat = chat();
    UUID first = insert(db, firstChat, text("Take your 08:00 medication"), Instant.now());
    await().atMost(DELIVERY_TIMEOUT).until(() -> "sent".equals(status(db, first)));

    // scheduled before the stop, due after the restart; its change is on the CDC topic (Kafka's
    // data must survive the restart, not only PostgreSQL's)
    String chat = chat();
    String text = text("Refill your prescription");
    Instant due = Instant.now().plusSeconds(12);
    UUID later = insert(db, chat, text, due);
    String cdcTopic = Topics.of(Topics.DEFAULT_NAMESPACE).cdc().name();
    String bootstrap = "localhost:" + run.kafkaPort();
    await()
        .atMost(DELIVERY_TIMEOUT)
        .until(
            () ->
                TopicRecords.readAll(bootstrap, cdcTopic).stream()
                    .anyMatch(
                        r ->
                            r.key() != null
                                && new String(r.key(), StandardCharsets.UTF_8)
                                    .contains(later.toString())));
    assertThat(status(db, later)).isEqualTo("pending");

    stop(); // what Ctrl-C does: services, then broker and PostgreSQL, cleanly
    Instant restarted = Instant.now();
    start(); // failed with "Invalid cluster.id in …/kafka/meta.properties" before the fix

    DataSource again = ownerDataSource();
    assertThat(status(again, first)).isEqualTo("sent");
    await()
        .atMost(Duration.between(Instant.now(), due).plus(DELIVERY_TIMEOUT))
        .until(() -> "sent".equals(status(again, later)));
    List<JsonNode> received = telegramRequestsFor(chat);
    assertThat(received).hasSize(1);
    assertThat(received.get(0).path("body").path("text").asText()).isEqualTo(text);
    Instant receivedAt = Instant.parse(received.get(0).path("received_at").asText());
    assertThat(receivedAt).isAfterOrEqualTo(due).isAfter(restarted);
    assertThat(attempts(again, later)).isEqualTo(1);
    // the first message was not sent a second time by the restarted pipeline
    assertThat(telegramRequestsFor(firstChat)).isEmpty();
  }

  private void start() {
    stack = LocalStack.start(run, new Env(userEnvironment));
    pipeline = Pipeline.start(stack.pipelineConfig(userEnvironment), OpsServer.newRegistry());
    pipeline.awaitRunning();
  }

  private void stop() {
    if (pipeline != null) {
      pipeline.close();
      pipeline = null;
    }
    if (stack != null) {
      stack.close();
      stack = null;
    }
  }

  private DataSource ownerDataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl("jdbc:postgresql://localhost:" + run.postgresPort() + "/" + run.database());
    ds.setUser(DevCredentials.OWNER_USER);
    ds.setPassword(DevCredentials.OWNER_PASSWORD);
    return ds;
  }

  private static UUID insert(DataSource db, String chat, String text, Instant due)
      throws Exception {
    UUID id = UUID.randomUUID();
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
                    + " scheduled_time, status, priority, delivery_window_seconds)"
                    + " VALUES (?, ?, 'telegram', ?, ?, 'pending', 1, 600)")) {
      s.setObject(1, id);
      s.setString(2, chat);
      s.setString(3, text);
      s.setObject(4, OffsetDateTime.ofInstant(due, ZoneOffset.UTC));
      s.executeUpdate();
    }
    return id;
  }

  private static String status(DataSource db, UUID id) throws Exception {
    return new MessageTable(db).status(id);
  }

  private static int attempts(DataSource db, UUID id) throws Exception {
    return new MessageTable(db).find(id).orElseThrow().attempts();
  }

  /** What the (second run's) sandbox received for {@code chat}, via its {@code _sandbox} API. */
  private List<JsonNode> telegramRequestsFor(String chat) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + run.sandboxTelegramPort() + "/_sandbox/requests"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode requests = JSON.readTree(response.body()).path("requests");
    return StreamSupport.stream(requests.spliterator(), false)
        .filter(r -> chat.equals(r.path("body").path("chat_id").asText()))
        .toList();
  }

  private String chat() {
    String chat =
        Long.toString(ThreadLocalRandom.current().nextLong(100_000_000_000L, 999_999_999_999L));
    patientData.add(chat);
    return chat;
  }

  private String text(String what) {
    String text = what + " " + UUID.randomUUID();
    patientData.add(text);
    return text;
  }
}

package org.schedmsg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.cli.command.ExitCodes;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.Topics;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;

/** The CLI against a real PostgreSQL (migrated) and a real broker. */
class OperatorCliIT {
  private final TestInfrastructure infra = TestInfrastructure.shared();
  private TestDatabase db;
  private Topics topics;

  record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void freshDatabaseAndTopics() {
    db = infra.newDatabase();
    topics = infra.newTopics();
  }

  private Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--database-url", db.jdbcUrl(),
            "--database-user", db.ownerUser(),
            "--database-password", db.ownerPassword(),
            "--bootstrap-servers", infra.bootstrapServers(),
            "--topic-namespace", topics.namespace()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = new SchedmsgCli(Clock.systemUTC()).commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void shouldInsertPendingRowWhenScheduled() {
    Run run =
        cli(
            "schedule",
            "--platform",
            "telegram",
            "--recipient",
            "123456789",
            "--text",
            "Take it",
            "--at",
            "+10m",
            "--priority",
            "2",
            "--window",
            "2h");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    UUID id = UUID.fromString(run.out().trim());
    Run status = cli("status", id.toString());
    assertThat(status.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(status.out())
        .contains("status:            pending")
        .contains("priority:          2")
        .contains("delivery_window:   7200s")
        .doesNotContain("Take it")
        .doesNotContain("123456789");
  }

  @Test
  void shouldCancelOnceAndRefuseSecondTimeWhenCancelled() {
    String id =
        cli(
                "schedule",
                "--platform",
                "whatsapp",
                "--recipient",
                "4915712345678",
                "--text",
                "x",
                "--at",
                "+1h")
            .out()
            .trim();

    Run first = cli("cancel", id);
    Run second = cli("cancel", id);

    assertThat(first.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(second.exitCode()).isEqualTo(ExitCodes.NOT_APPLICABLE);
    assertThat(second.err()).contains("already cancelled");
    assertThat(cli("status", id).out()).contains("status:            cancelled");
  }

  @Test
  void shouldCancelPendingOccurrenceWhenSeriesIsCancelled() throws SQLException {
    UUID first = insert(MessageStatus.SENT, 1, Instant.now().minusSeconds(60), null);
    UUID next = insert(MessageStatus.PENDING, 0, Instant.now().plusSeconds(3600), null);
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "UPDATE scheduled_messages SET metadata = jsonb_build_object('series_id', '"
              + first
              + "', 'occurrence', 2) WHERE id = '"
              + next
              + "'");
    }

    Run run = cli("cancel", "--series", first.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("1 pending occurrence(s)");
    assertThat(cli("status", next.toString()).out()).contains("status:            cancelled");
    assertThat(cli("status", first.toString()).out()).contains("status:            sent");
    assertThat(cli("cancel", "--series", first.toString()).exitCode())
        .isEqualTo(ExitCodes.NOT_APPLICABLE);
  }

  @Test
  void shouldExitWithUsageErrorWhenInputIsBad() {
    assertThat(cli("schedule", "--platform", "sms", "--recipient", "1", "--text", "x").exitCode())
        .isEqualTo(ExitCodes.USAGE);
    Run priority =
        cli(
            "schedule",
            "--platform",
            "telegram",
            "--recipient",
            "1",
            "--text",
            "x",
            "--priority",
            "0");
    assertThat(priority.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(priority.err()).contains("--priority must be between 1 and 9");
    assertThat(
            cli(
                    "schedule",
                    "--platform",
                    "telegram",
                    "--recipient",
                    "1",
                    "--text",
                    "x",
                    "--at",
                    "tomorrow-ish")
                .exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(
            cli(
                    "schedule",
                    "--platform",
                    "telegram",
                    "--recipient",
                    "1",
                    "--text",
                    "x",
                    "--parameters",
                    "{not json")
                .exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(cli("status", "not-a-uuid").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli("status", UUID.randomUUID().toString()).exitCode())
        .isEqualTo(ExitCodes.NOT_APPLICABLE);
    assertThat(cli("replay", "--platform", "telegram").exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void shouldListOverdueAndStalledButNotFreshWhenAskedForStuck() throws SQLException {
    UUID overdue = insert(MessageStatus.PENDING, 0, Instant.now().minusSeconds(600), null);
    UUID stalled =
        insert(
            MessageStatus.PENDING,
            1,
            Instant.now().minusSeconds(900),
            Instant.now().minusSeconds(600));
    UUID fresh = insert(MessageStatus.PENDING, 0, Instant.now().minusSeconds(5), null);
    UUID sent = insert(MessageStatus.SENT, 1, Instant.now().minusSeconds(900), null);

    Run run = cli("stuck", "--older-than", "5m");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .contains("2 stuck message(s)")
        .contains(overdue.toString())
        .contains(stalled.toString())
        .doesNotContain(fresh.toString())
        .doesNotContain(sent.toString());
  }

  @Test
  void shouldShowEveryStageWhenAskedForLag() throws SQLException {
    insert(MessageStatus.PENDING, 0, Instant.now().minusSeconds(60), null);

    Run run = cli("lag");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .contains("CDC replication slots")
        .contains("telegram priority 5")
        .contains(topics.telegram().name())
        .contains(topics.whatsapp().name());
  }

  @Test
  void shouldReportZeroResendsOfSentMessagesWhenReplayingFromOffsetZero() throws Exception {
    Instant due = Instant.now().minusSeconds(60);
    UUID sent = insert(MessageStatus.SENT, 1, due, due);
    UUID cancelled = insert(MessageStatus.CANCELLED, 0, due, null);
    UUID pending = insert(MessageStatus.PENDING, 0, due, null);
    produce(release(sent, 0, due), release(cancelled, 0, due), release(pending, 0, due));
    String group = topics.namespace() + "-sender-telegram";
    consumeAllAndCommit(group);

    Run run = cli("replay", "--platform", "telegram", "--from-offset", "0");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .contains("3 record(s) to process again, 1 would be re-sent, 2 skipped")
        .contains("offsets moved");
  }

  @Test
  void shouldRefuseReplayWhenSenderGroupIsActive() throws Exception {
    String group = topics.namespace() + "-sender-telegram";
    try (KafkaConsumer<String, String> member = consumer(group)) {
      member.subscribe(List.of(topics.telegram().name()));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                member.poll(Duration.ofMillis(100));
                return !member.assignment().isEmpty();
              });

      Run run = cli("replay", "--platform", "telegram", "--from-offset", "0");

      assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
      assertThat(run.err()).contains("active member");
    }
  }

  private UUID insert(MessageStatus status, int attempts, Instant due, Instant lastAttempt)
      throws SQLException {
    UUID id = UUID.randomUUID();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
              + " scheduled_time, status, attempts, last_attempt_time) VALUES ('"
              + id
              + "', '123', 'telegram', 'x', '"
              + due
              + "', '"
              + status.id()
              + "', "
              + attempts
              + ", "
              + (lastAttempt == null ? "NULL" : "'" + lastAttempt + "'")
              + ")");
    }
    return id;
  }

  private static DeliveryRequest release(UUID id, int attempts, Instant due) {
    ScheduledMessage row =
        new ScheduledMessage(
            id,
            null,
            "123",
            Platform.TELEGRAM,
            "x",
            due,
            null,
            null,
            null,
            MessageStatus.PENDING,
            null,
            null,
            null,
            due,
            null,
            attempts,
            null,
            5,
            null,
            60);
    return DeliveryRequest.of(row, Instant.now());
  }

  private void produce(DeliveryRequest... requests) {
    Properties props = new Properties();
    props.put("bootstrap.servers", infra.bootstrapServers());
    try (KafkaProducer<String, DeliveryRequest> producer =
        new KafkaProducer<>(
            props,
            topics.telegram().keySerde().serializer(),
            topics.telegram().valueSerde().serializer())) {
      for (DeliveryRequest r : requests) {
        producer.send(new ProducerRecord<>(topics.telegram().name(), r.recipientId(), r));
      }
      producer.flush();
    }
  }

  private void consumeAllAndCommit(String group) {
    try (KafkaConsumer<String, String> consumer = consumer(group)) {
      consumer.subscribe(List.of(topics.telegram().name()));
      int[] seen = {0};
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                seen[0] += consumer.poll(Duration.ofMillis(200)).count();
                return seen[0] >= 3;
              });
      consumer.commitSync();
    }
  }

  private KafkaConsumer<String, String> consumer(String group) {
    Properties props = new Properties();
    props.put("bootstrap.servers", infra.bootstrapServers());
    props.put("group.id", group);
    props.put("auto.offset.reset", "earliest");
    props.put("enable.auto.commit", "false");
    return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
  }
}

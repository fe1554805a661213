package org.schedmsg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
        .contains("receipt:           none (the platform has no delivery receipts)")
        .doesNotContain("Take it")
        .doesNotContain("123456789");
  }

  @Test
  void shouldShowReceiptStateWhenWhatsAppRowHasReceipts() throws Exception {
    UUID id = UUID.randomUUID();
    try (var c = db.dataSource().getConnection();
        var s =
            c.prepareStatement(
                "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
                    + " scheduled_time, status, attempts, sent_at, metadata) VALUES (?,"
                    + " '4915112345678', 'whatsapp', 'x', now(), 'sent', 1, now(),"
                    + " '{\"platform_message_id\": \"wamid.X\", \"receipt_status\": \"read\","
                    + " \"delivered_at\": \"2026-11-28T08:00:03Z\","
                    + " \"read_at\": \"2026-11-28T08:01:00Z\"}'::jsonb)")) {
      s.setObject(1, id);
      s.executeUpdate();
    }

    assertThat(cli("status", id.toString()).out())
        .contains(
            "receipt:           read, delivered_at 2026-11-28T08:00:03Z, read_at"
                + " 2026-11-28T08:01:00Z")
        .doesNotContain("4915112345678");
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
  void shouldRefuseCancelAndChangeNothingWhileMessageIsBeingDelivered() throws SQLException {
    UUID id = insert(MessageStatus.PENDING, 0, Instant.now().minusSeconds(5), null);
    // a sender's claim, as sender-core writes it
    execute(
        "INSERT INTO delivery_attempts (message_id, row_version, attempt, platform, claimed_at,"
            + " lease_until, state) VALUES ('"
            + id
            + "', 1, 1, 'telegram', now(), now() + interval '5 minutes', 'in_flight')");

    Run refused = cli("cancel", id.toString());

    assertThat(refused.exitCode()).as(refused.err()).isEqualTo(ExitCodes.BEING_DELIVERED);
    assertThat(refused.err())
        .contains("is being delivered right now")
        .contains("nothing was changed")
        .contains("schedmsg status " + id)
        .doesNotContain("SQLState");
    Run status = cli("status", id.toString());
    assertThat(status.out())
        .contains("status:            pending")
        .contains("row_version:       1")
        .contains("being delivered:   yes, attempt 1 in flight until")
        .contains("delivery_attempts: 1")
        .containsPattern("\\n\\s+1\\s+in_flight\\s");
    Run series = cli("cancel", "--series", id.toString());
    assertThat(series.exitCode()).isEqualTo(ExitCodes.BEING_DELIVERED);
    assertThat(series.err()).contains("is being delivered right now");

    // the sender records a retryable outcome (closes the attempt): the cancel now goes through
    execute(
        "UPDATE delivery_attempts SET state = 'retry', finished_at = now(),"
            + " error_message = 'platform_timeout' WHERE message_id = '"
            + id
            + "'");
    Run cancelled = cli("cancel", id.toString());

    assertThat(cancelled.exitCode()).as(cancelled.err()).isEqualTo(ExitCodes.OK);
    Run after = cli("status", id.toString());
    assertThat(after.out())
        .contains("status:            cancelled")
        .contains("row_version:       2")
        .doesNotContain("being delivered:")
        .containsPattern("\\n\\s+1\\s+retry\\s+\\S+\\s+\\S+\\s+\\S+\\s+platform_timeout");
  }

  @Test
  void shouldCancelWhenAttemptLeaseRanOut() throws SQLException {
    UUID id = insert(MessageStatus.PENDING, 0, Instant.now().minusSeconds(600), null);
    execute(
        "INSERT INTO delivery_attempts (message_id, row_version, attempt, platform, claimed_at,"
            + " lease_until, state) VALUES ('"
            + id
            + "', 1, 1, 'telegram', now() - interval '10 minutes',"
            + " now() - interval '8 minutes', 'in_flight')");

    assertThat(cli("status", id.toString()).out())
        .doesNotContain("being delivered:")
        .contains("in_flight!")
        .contains("lease ran out");
    Run run = cli("cancel", id.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(cli("status", id.toString()).out()).contains("status:            cancelled");
  }

  @Test
  void shouldShowNoAttemptsWhenNeverClaimed() throws SQLException {
    UUID id = insert(MessageStatus.PENDING, 0, Instant.now().plusSeconds(3600), null);

    Run status = cli("status", id.toString());

    assertThat(status.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(status.out()).contains("delivery_attempts: none").doesNotContain("being delivered");
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
        .contains(topics.delivery(Platform.TELEGRAM).name())
        .contains(topics.delivery(Platform.WHATSAPP).name());
  }

  @Test
  void shouldCountOnlyPendingRowsWithTheReleasedRowVersionWhenReplayingFromOffsetZero()
      throws Exception {
    Instant due = Instant.now().minusSeconds(5);
    UUID sent = insert(MessageStatus.SENT, 1, due, due);
    UUID cancelled = insert(MessageStatus.CANCELLED, 0, due, null);
    UUID pending = insert(MessageStatus.PENDING, 0, due, null);
    UUID changed = insert(MessageStatus.PENDING, 0, due, null);
    UUID unversioned = insert(MessageStatus.PENDING, 0, due, null);
    Instant longAgo = Instant.now().minusSeconds(600);
    UUID expired = insert(MessageStatus.PENDING, 0, longAgo, null);
    // edited after its release: row_version 2, the release carries 1
    execute("UPDATE scheduled_messages SET priority = 2 WHERE id = '" + changed + "'");
    produce(
        json(release(sent, 0, due, 1)),
        json(release(cancelled, 0, due, 1)),
        json(release(pending, 0, due, 1)),
        json(release(pending, 0, due, 1)), // a duplicate: the first one's outcome changes the row
        json(release(changed, 0, due, 1)),
        withoutRowVersion(release(unversioned, 0, due, 1)), // written before row versions
        json(release(expired, 0, longAgo, 1))); // window of 60 s long passed
    String group = topics.namespace() + "-sender-telegram";
    consumeAllAndCommit(group, 7);

    Run dryRun = cli("replay", "--platform", "telegram", "--from-offset", "0", "--dry-run");
    Run run = cli("replay", "--platform", "telegram", "--from-offset", "0");

    assertThat(dryRun.exitCode()).as(dryRun.err()).isEqualTo(ExitCodes.OK);
    assertThat(dryRun.out())
        .contains("7 record(s) to process again, 1 would be re-sent, 5 skipped")
        .contains("1 still pending with the released version but past the delivery window")
        .doesNotContain("offsets moved");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .contains("7 record(s) to process again, 1 would be re-sent, 5 skipped")
        .contains("offsets moved");
  }

  @Test
  void shouldRefuseReplayWhenSenderGroupIsActive() throws Exception {
    String group = topics.namespace() + "-sender-telegram";
    try (KafkaConsumer<String, String> member = consumer(group)) {
      member.subscribe(List.of(topics.delivery(Platform.TELEGRAM).name()));
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

  private void execute(String sql) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static DeliveryRequest release(UUID id, int attempts, Instant due, long rowVersion) {
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
            60,
            rowVersion);
    return DeliveryRequest.of(row, Instant.now());
  }

  private byte[] json(DeliveryRequest request) {
    return topics
        .delivery(Platform.TELEGRAM)
        .valueSerde()
        .serializer()
        .serialize(topics.delivery(Platform.TELEGRAM).name(), request);
  }

  /** The record as a scheduler from before row versions wrote it (no {@code row_version}). */
  private byte[] withoutRowVersion(DeliveryRequest request) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode node = (ObjectNode) mapper.readTree(json(request));
    assertThat(node.remove("row_version")).isNotNull();
    return mapper.writeValueAsBytes(node);
  }

  private void produce(byte[]... values) {
    Properties props = new Properties();
    props.put("bootstrap.servers", infra.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (byte[] value : values) {
        producer.send(
            new ProducerRecord<>(topics.delivery(Platform.TELEGRAM).name(), "123", value));
      }
      producer.flush();
    }
  }

  private void consumeAllAndCommit(String group, int expected) {
    try (KafkaConsumer<String, String> consumer = consumer(group)) {
      consumer.subscribe(List.of(topics.delivery(Platform.TELEGRAM).name()));
      int[] seen = {0};
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                seen[0] += consumer.poll(Duration.ofMillis(200)).count();
                return seen[0] >= expected;
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

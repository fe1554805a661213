package org.schedmsg.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.schedmsg.cli.command.ExitCodes;
import org.schedmsg.contracts.TopicDescriptor;
import org.schedmsg.contracts.Topics;
import org.schedmsg.infra.testing.RestartableStack;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;

/**
 * The deployment jobs, {@code schedmsg migrate} and {@code schedmsg topics}, against the real
 * PostgreSQL and broker: on an empty database and cluster, again on a migrated / provisioned one,
 * and on a topic someone changed by hand.
 */
class DeploymentJobsIT {
  private final TestInfrastructure infra = TestInfrastructure.shared();

  record Run(int exitCode, String out, String err) {}

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = new SchedmsgCli(Clock.systemUTC()).commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Run migrate(TestDatabase db, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "migrate",
                "--database-url",
                db.jdbcUrl(),
                "--database-user",
                db.ownerUser(),
                "--database-password",
                db.ownerPassword()));
    args.addAll(List.of(extra));
    return cli(args.toArray(String[]::new));
  }

  private Run topics(Topics topics, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "topics",
                "--bootstrap-servers",
                infra.bootstrapServers(),
                "--topic-namespace",
                topics.namespace(),
                "--replication-factor",
                "1"));
    args.addAll(List.of(extra));
    return cli(args.toArray(String[]::new));
  }

  @Test
  void shouldMigrateAnEmptyDatabaseThenChangeNothingWhenRunAgain() throws Exception {
    TestDatabase db = infra.newEmptyDatabase();

    Run check = migrate(db, "--check");
    assertThat(check.exitCode()).as(check.err()).isEqualTo(ExitCodes.REFUSED);
    assertThat(check.out()).contains("pending  V1 ").contains("pending  V14 ");

    Run first = migrate(db);
    assertThat(first.exitCode()).as(first.err()).isEqualTo(ExitCodes.OK);
    assertThat(first.out()).contains("schema at version 14: 14 migrations applied");
    assertThat(tableExists(db, "scheduled_messages")).isTrue();

    Run again = migrate(db);
    assertThat(again.exitCode()).as(again.err()).isEqualTo(ExitCodes.OK);
    assertThat(again.out()).contains("schema at version 14: up to date");
    Run checkAgain = migrate(db, "--check");
    assertThat(checkAgain.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(checkAgain.out()).contains("0 migrations pending");
  }

  @Test
  void shouldLeaveAnAlreadyMigratedDatabaseAsItIsWhenMigrated() throws Exception {
    TestDatabase db = infra.newDatabase();

    Run run = migrate(db);

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("up to date");
  }

  @Test
  void shouldRefuseToMigrateWithoutTheOwnerNamed() {
    TestDatabase db = infra.newEmptyDatabase();

    Run run = cli("migrate", "--database-url", db.jdbcUrl());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--database-user");
  }

  @Test
  void shouldAnswerUnavailableWhenTheDatabaseCannotBeReached() throws Exception {
    int closedPort = RestartableStack.freePort();

    Run run =
        cli(
            "migrate",
            "--database-url",
            "jdbc:postgresql://127.0.0.1:" + closedPort + "/nothing",
            "--database-user",
            "owner",
            "--database-password",
            "s3cret-not-printed");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(run.err()).contains("cannot reach the database").doesNotContain("s3cret");
  }

  @Test
  void shouldCreateEveryTopicOfTheCatalogThenFindThemAllAsTheCatalogSays() throws Exception {
    Topics topics = TestInfrastructure.newNamespace();

    Run verifyFirst = topics(topics, "--verify");
    assertThat(verifyFirst.exitCode()).as(verifyFirst.err()).isEqualTo(ExitCodes.REFUSED);
    assertThat(verifyFirst.out()).contains("missing  " + topics.cdc().name());

    Run first = topics(topics);
    assertThat(first.exitCode()).as(first.err()).isEqualTo(ExitCodes.OK);
    for (TopicDescriptor descriptor : topics.descriptors()) {
      assertThat(first.out()).contains("created  " + descriptor.name());
    }
    try (Admin admin = admin()) {
      var described =
          admin
              .describeTopics(List.of(topics.cdc().name()))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS);
      assertThat(described.get(topics.cdc().name()).partitions()).hasSize(Topics.CDC_PARTITIONS);
    }

    Run again = topics(topics);
    assertThat(again.exitCode()).as(again.err()).isEqualTo(ExitCodes.OK);
    for (TopicDescriptor descriptor : topics.descriptors()) {
      assertThat(again.out()).contains("ok       " + descriptor.name());
    }
  }

  @Test
  void shouldReportAndNotChangeATopicThatDiffersFromTheCatalog() throws Exception {
    Topics topics = TestInfrastructure.newNamespace();
    String delivery = topics.delivery(org.schedmsg.contracts.Platform.TELEGRAM).name();
    try (Admin admin = admin()) {
      // someone created the CDC topic by hand with one partition, and shortened a retention
      admin
          .createTopics(
              List.of(
                  new NewTopic(topics.cdc().name(), 1, (short) 1)
                      .configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    assertThat(topics(topics).exitCode()).isEqualTo(ExitCodes.REFUSED);
    try (Admin admin = admin()) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, delivery);
      admin
          .incrementalAlterConfigs(
              Map.of(
                  resource,
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
      // the broker applies a config change through its metadata log: wait until it shows
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  "3600000"
                      .equals(
                          admin
                              .describeConfigs(List.of(resource))
                              .all()
                              .get(30, TimeUnit.SECONDS)
                              .get(resource)
                              .get("retention.ms")
                              .value()));
    }

    Run run = topics(topics);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.out())
        .contains(
            "differs  "
                + topics.cdc().name()
                + ": partitions is 1, the catalog says "
                + Topics.CDC_PARTITIONS)
        .contains(
            "differs  "
                + delivery
                + ": retention.ms is 3600000, the catalog says "
                + Topics.DELIVERY_RETENTION.toMillis());
    try (Admin admin = admin()) {
      var described =
          admin
              .describeTopics(List.of(topics.cdc().name()))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS);
      assertThat(described.get(topics.cdc().name()).partitions()).hasSize(1);
    }

    Run accepted = topics(topics, "--retention", delivery + "=1h");
    assertThat(accepted.out()).doesNotContain("differs  " + delivery);
  }

  @Test
  void shouldRefuseARetentionForACompactedTopic() {
    Topics topics = TestInfrastructure.newNamespace();

    Run run = topics(topics, "--retention", topics.cdc().name() + "=3d");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("compacted");
  }

  private Admin admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    return Admin.create(props);
  }

  private static boolean tableExists(TestDatabase db, String table) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}

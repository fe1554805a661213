package org.schedmsg.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.ServiceExit;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;

/**
 * {@link App} as its own process, configured only through the environment, with the exit codes of
 * {@link ServiceExit}: SIGTERM stops it cleanly (0); an engine that stops by itself ends it with
 * status 1, an invalid setting with status 2.
 */
class AppIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private TestDatabase db;
  private Topics topics;
  private String slot;
  private Process process;

  @BeforeEach
  void setUp() {
    TestInfrastructure infra = TestInfrastructure.shared();
    db = infra.newDatabase();
    topics = infra.newTopics();
    slot = TestInfrastructure.uniqueName("slot");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    await().atMost(TIMEOUT).until(() -> !slotActive());
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ?")) {
      s.setString(1, slot);
      s.execute();
    }
  }

  @Test
  void shouldCloseCleanlyWhenTerminatedWhileStreaming() throws Exception {
    Path output = start(Map.of());
    await().atMost(TIMEOUT).until(() -> read(output).contains("CDC engine is streaming"));

    process.destroy();

    assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(ServiceExit.STOPPED);
    assertThat(read(output))
        .contains("cdc-ingestor: received SIGTERM, stopping")
        .contains("CDC ingestor closed")
        .contains("cdc-ingestor stopped cleanly; exiting with status 0")
        .doesNotContain(db.ingestorPassword())
        .doesNotContain("exiting with status 1");
  }

  @Test
  void shouldExitWithStatusOneNamingReasonWhenEngineStopsByItself() throws Exception {
    Path output = start(Map.of("CDC_PUBLICATION_NAME", "no_such_publication"));

    assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(ServiceExit.FAILED);
    assertThat(read(output))
        .contains("exiting with status 1 so that it is restarted")
        .contains("Publication autocreation is disabled")
        .doesNotContain(db.ingestorPassword());
  }

  @Test
  void shouldExitWithStatusTwoNamingKeyWhenConfigurationIsInvalid() throws Exception {
    Path output = start(Map.of("CDC_POLL_INTERVAL", "sometimes"));

    assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(ServiceExit.INVALID_CONFIGURATION);
    assertThat(read(output)).contains("CDC_POLL_INTERVAL").doesNotContain("sometimes");
  }

  private Path start(Map<String, String> overrides) throws IOException {
    Path output = dir.resolve("app.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                App.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(environment());
    env.putAll(overrides);
    process = builder.start();
    return output;
  }

  private Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", db.jdbcUrl());
    env.put("DATABASE_USER", db.ingestorUser());
    env.put("DATABASE_PASSWORD", db.ingestorPassword());
    env.put("KAFKA_BOOTSTRAP_SERVERS", TestInfrastructure.shared().bootstrapServers());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("CDC_SLOT_NAME", slot);
    // any free port: a taken ops port ends the app with status 1
    env.put("OPS_PORT", "0");
    return env;
  }

  private boolean slotActive() throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  private static String read(Path output) throws IOException {
    return Files.exists(output) ? Files.readString(output) : "";
  }
}

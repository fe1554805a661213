package org.schedmsg.infra.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.provisioning.Migrations;

class MigrationsIT {
  private final TestInfrastructure infra = TestInfrastructure.shared();

  @Test
  void shouldAddSeedColumnsWithDefaultsWhenMigrated() throws SQLException {
    TestDatabase db = infra.newDatabase();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
              + " scheduled_time, status) VALUES (gen_random_uuid(), 'r', 'telegram', 'x', now(),"
              + " 'pending')");
      ResultSet rs =
          s.executeQuery(
              "SELECT attempts, last_attempt_time, priority, metadata, delivery_window_seconds"
                  + " FROM scheduled_messages");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt("attempts")).isZero();
      assertThat(rs.getObject("last_attempt_time")).isNull();
      assertThat(rs.getInt("priority")).isEqualTo(5);
      assertThat(rs.getObject("metadata")).isNull();
      assertThat(rs.getInt("delivery_window_seconds")).isEqualTo(60);
    }
  }

  @Test
  void shouldBuildValidIndexesWhenMigrated() throws SQLException {
    TestDatabase db = infra.newDatabase();
    List<String> valid = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                    + " WHERE x.indrelid = 'public.scheduled_messages'::regclass AND x.indisvalid")) {
      while (rs.next()) {
        valid.add(rs.getString(1));
      }
    }
    assertThat(valid)
        .contains(
            "idx_scheduled_messages_attempts",
            "idx_scheduled_messages_priority",
            "idx_scheduled_messages_pending");
  }

  @Test
  void shouldBackfillAttemptsOfFinishedRowsWhenUpgradingFromBaseline() throws SQLException {
    TestDatabase db = infra.newDatabase();
    DataSource ds = db.dataSource();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    }
    Migrations.configure(ds).target("1").load().migrate();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
              + " scheduled_time, status, sent_at) VALUES"
              + " ('00000000-0000-0000-0000-000000000001', 'r', 'telegram', 'x', now(), 'sent',"
              + " '2026-01-01T08:00:00Z'),"
              + " ('00000000-0000-0000-0000-000000000002', 'r', 'telegram', 'x', now(), 'pending',"
              + " null)");
    }
    Migrations.apply(ds);
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT id, attempts, last_attempt_time = sent_at AS same FROM scheduled_messages"
                    + " ORDER BY id")) {
      rs.next();
      assertThat(rs.getInt("attempts")).isEqualTo(1);
      assertThat(rs.getBoolean("same")).isTrue();
      rs.next();
      assertThat(rs.getInt("attempts")).isZero();
    }
  }

  @Test
  void shouldLetSenderRoleUpdateOnlyDeliveryColumnsAndNeverInsertWhenConnected()
      throws SQLException {
    TestDatabase db = infra.newDatabase();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
              + " scheduled_time, status) VALUES ('00000000-0000-0000-0000-000000000003', 'r',"
              + " 'telegram', 'x', now(), 'pending')");
    }
    try (Connection c = db.dataSource(db.senderUser(), db.senderPassword()).getConnection();
        Statement s = c.createStatement()) {
      assertThat(
              s.executeUpdate(
                  "UPDATE scheduled_messages SET status = 'sent', attempts = attempts + 1,"
                      + " sent_at = now() WHERE id = '00000000-0000-0000-0000-000000000003'"))
          .isEqualTo(1);
      assertThatThrownBy(
              () -> s.executeUpdate("UPDATE scheduled_messages SET message_content = 'changed'"))
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM scheduled_messages"))
          .hasMessageContaining("permission denied");
      // V8 granted INSERT for the next occurrence of a series; V12 took it back (the function)
      assertThatThrownBy(
              () ->
                  s.executeUpdate(
                      "INSERT INTO scheduled_messages (id, recipient_id, platform,"
                          + " message_content, scheduled_time, status) VALUES"
                          + " (gen_random_uuid(), 'r', 'telegram', 'x', now(), 'pending')"))
          .hasMessageContaining("permission denied");
    }
  }

  @Test
  void shouldRefuseServiceRoleWhenPasswordIsWrong() throws SQLException {
    TestDatabase db = infra.newDatabase();
    assertThatThrownBy(() -> db.dataSource(db.senderUser(), "wrong-password").getConnection())
        .hasMessageContaining("password authentication failed");
    try (Connection c = db.dataSource(db.senderUser(), db.senderPassword()).getConnection()) {
      assertThat(c.isValid(5)).isTrue();
    }
  }

  @Test
  void shouldRejectPriorityOutsideOneToNineWhenInserted() throws SQLException {
    TestDatabase db = infra.newDatabase();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      assertThatThrownBy(
              () ->
                  s.execute(
                      "INSERT INTO scheduled_messages (id, recipient_id, platform,"
                          + " message_content, scheduled_time, status, priority) VALUES"
                          + " (gen_random_uuid(), 'r', 'telegram', 'x', now(), 'pending', 0)"))
          .hasMessageContaining("scheduled_messages_priority_range");
    }
  }

  @Test
  void shouldCreatePublicationAndReplicationRoleWhenMigrated() throws SQLException {
    TestDatabase db = infra.newDatabase();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM pg_publication_tables WHERE pubname = 'schedmsg_cdc'"
                  + " AND tablename = 'scheduled_messages'");
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
      rs =
          s.executeQuery("SELECT rolreplication FROM pg_roles WHERE rolname = 'schedmsg_ingestor'");
      rs.next();
      assertThat(rs.getBoolean(1)).isTrue();
    }
  }

  // ---- V9: row_version, delivery_attempts, the in-flight guard, JSON shape checks ----

  private static final String INSERT_PENDING =
      "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
          + " scheduled_time, status) VALUES ('%s', 'r', 'telegram', 'x', now(), 'pending')";

  private static UUID insertPending(Statement s) throws SQLException {
    UUID id = UUID.randomUUID();
    s.execute(String.format(INSERT_PENDING, id));
    return id;
  }

  private static long rowVersion(Statement s, UUID id) throws SQLException {
    try (ResultSet rs =
        s.executeQuery("SELECT row_version FROM scheduled_messages WHERE id = '" + id + "'")) {
      assertThat(rs.next()).isTrue();
      return rs.getLong(1);
    }
  }

  private static String status(Statement s, UUID id) throws SQLException {
    try (ResultSet rs =
        s.executeQuery("SELECT status FROM scheduled_messages WHERE id = '" + id + "'")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** An attempt row as a sender's claim writes it; {@code lease} is added to now(). */
  private static void insertAttempt(Statement s, UUID id, String state, String lease)
      throws SQLException {
    s.execute(
        "INSERT INTO delivery_attempts (message_id, row_version, attempt, platform, claimed_at,"
            + " lease_until, state, finished_at) SELECT id, row_version, attempts + 1, platform,"
            + " now(), now() + interval '"
            + lease
            + "', '"
            + state
            + "', "
            + ("in_flight".equals(state) ? "NULL" : "now()")
            + " FROM scheduled_messages WHERE id = '"
            + id
            + "'");
  }

  private static String sqlState(Throwable thrown) {
    assertThat(thrown).isInstanceOf(SQLException.class);
    return ((SQLException) thrown).getSQLState();
  }

  @Test
  void shouldSetRowVersionToOneOnInsertAndRaiseItByOnePerUpdateWhateverTheWriterSets()
      throws SQLException {
    TestDatabase db = infra.newDatabase();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      UUID id = UUID.randomUUID();
      s.execute(
          "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
              + " scheduled_time, status, row_version) VALUES ('"
              + id
              + "', 'r', 'telegram', 'x', now(), 'pending', 42)");
      assertThat(rowVersion(s, id)).isEqualTo(1);

      s.executeUpdate("UPDATE scheduled_messages SET priority = 2 WHERE id = '" + id + "'");
      assertThat(rowVersion(s, id)).isEqualTo(2);
      s.executeUpdate("UPDATE scheduled_messages SET row_version = 0 WHERE id = '" + id + "'");
      assertThat(rowVersion(s, id)).isEqualTo(3);
      s.executeUpdate(
          "UPDATE scheduled_messages SET row_version = row_version - 10, priority = 3"
              + " WHERE id = '"
              + id
              + "'");
      assertThat(rowVersion(s, id)).isEqualTo(4);
      // a no-op update is still an update: the version moves
      s.executeUpdate("UPDATE scheduled_messages SET priority = priority WHERE id = '" + id + "'");
      assertThat(rowVersion(s, id)).isEqualTo(5);
    }
  }

  @Test
  void shouldRefuseUpdateAndDeleteWithSm001WhileAttemptIsInFlight() throws SQLException {
    TestDatabase db = infra.newDatabase();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      UUID id = insertPending(s);
      insertAttempt(s, id, "in_flight", "5 minutes");

      Throwable update =
          catchThrowableOfType(
              () ->
                  s.executeUpdate(
                      "UPDATE scheduled_messages SET status = 'cancelled'"
                          + " WHERE status = 'pending'"),
              SQLException.class);
      assertThat(sqlState(update)).isEqualTo("SM001");
      assertThat(update.getMessage()).contains("being delivered");
      assertThat(status(s, id)).isEqualTo("pending");
      assertThat(rowVersion(s, id)).isEqualTo(1);

      Throwable delete =
          catchThrowableOfType(
              () -> s.executeUpdate("DELETE FROM scheduled_messages WHERE id = '" + id + "'"),
              SQLException.class);
      assertThat(sqlState(delete)).isEqualTo("SM001");
      assertThat(status(s, id)).isEqualTo("pending");
    }
  }

  @Test
  void shouldRefuseChangeInFlightForRoleWithoutGrantOnDeliveryAttempts() throws SQLException {
    // the guard is SECURITY DEFINER: an upstream role with UPDATE on scheduled_messages only
    // gets SM001, not "permission denied for table delivery_attempts"
    TestDatabase db = infra.newDatabase();
    String upstream = "schedmsg_test_upstream_" + db.name();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      UUID id = insertPending(s);
      insertAttempt(s, id, "in_flight", "5 minutes");
      s.execute("CREATE ROLE " + upstream + " NOLOGIN");
      try {
        s.execute("GRANT USAGE ON SCHEMA public TO " + upstream);
        s.execute("GRANT SELECT, UPDATE ON scheduled_messages TO " + upstream);
        s.execute("SET ROLE " + upstream);
        Throwable thrown =
            catchThrowableOfType(
                () ->
                    s.executeUpdate(
                        "UPDATE scheduled_messages SET status = 'cancelled' WHERE id = '"
                            + id
                            + "' AND status = 'pending'"),
                SQLException.class);
        assertThat(sqlState(thrown)).isEqualTo("SM001");
      } finally {
        s.execute("RESET ROLE");
        s.execute("DROP OWNED BY " + upstream);
        s.execute("DROP ROLE " + upstream);
      }
      assertThat(status(s, id)).isEqualTo("pending");
    }
  }

  @Test
  void shouldAllowUpdateWhenLeaseExpiredOrAttemptClosed() throws SQLException {
    TestDatabase db = infra.newDatabase();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      UUID expired = insertPending(s);
      insertAttempt(s, expired, "in_flight", "-1 second");
      UUID closed = insertPending(s);
      insertAttempt(s, closed, "sent", "5 minutes");

      assertThat(
              s.executeUpdate(
                  "UPDATE scheduled_messages SET status = 'cancelled' WHERE status = 'pending'"))
          .isEqualTo(2);
      assertThat(status(s, expired)).isEqualTo("cancelled");
      assertThat(status(s, closed)).isEqualTo("cancelled");
      assertThat(rowVersion(s, expired)).isEqualTo(2);

      UUID deletable = insertPending(s);
      insertAttempt(s, deletable, "in_flight", "-1 second");
      assertThat(s.executeUpdate("DELETE FROM scheduled_messages WHERE id = '" + deletable + "'"))
          .isEqualTo(1);
    }
  }

  @Test
  void shouldAllowAtMostOneInFlightAttemptPerMessage() throws SQLException {
    TestDatabase db = infra.newDatabase();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      UUID id = insertPending(s);
      insertAttempt(s, id, "in_flight", "5 minutes");
      Throwable second =
          catchThrowableOfType(
              () -> insertAttempt(s, id, "in_flight", "5 minutes"), SQLException.class);
      assertThat(sqlState(second)).isEqualTo("23505");
      insertAttempt(s, id, "failed", "5 minutes"); // closed attempts are not limited
    }
  }

  @Test
  void shouldRefuseJsonColumnsOfTheWrongShapeAtInsert() throws SQLException {
    TestDatabase db = infra.newDatabase();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      String insert =
          "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
              + " scheduled_time, status, %s) VALUES (gen_random_uuid(), 'r', 'telegram', 'x',"
              + " now(), 'pending', '%s'::jsonb)";
      for (String metadata : List.of("null", "[1]", "3", "\"text\"")) {
        Throwable thrown =
            catchThrowableOfType(
                () -> s.execute(String.format(insert, "metadata", metadata)), SQLException.class);
        assertThat(sqlState(thrown)).as("metadata %s", metadata).isEqualTo("23514");
        assertThat(thrown).hasMessageContaining("metadata must be a JSON object");
      }
      for (String parameters : List.of("3", "\"text\"", "null", "true")) {
        Throwable thrown =
            catchThrowableOfType(
                () -> s.execute(String.format(insert, "parameters", parameters)),
                SQLException.class);
        assertThat(sqlState(thrown)).as("parameters %s", parameters).isEqualTo("23514");
      }
      for (String recurrence : List.of("[1]", "\"FREQ=DAILY\"")) {
        Throwable thrown =
            catchThrowableOfType(
                () -> s.execute(String.format(insert, "recurrence_pattern", recurrence)),
                SQLException.class);
        assertThat(sqlState(thrown)).as("recurrence %s", recurrence).isEqualTo("23514");
      }
      s.execute(String.format(insert, "metadata", "{\"series_id\": \"a\"}"));
      s.execute(String.format(insert, "parameters", "[\"a\", 1]"));
      s.execute(String.format(insert, "parameters", "{\"name\": \"a\"}"));
      s.execute(String.format(insert, "recurrence_pattern", "{\"rrule\": \"FREQ=DAILY\"}"));
      // SQL NULL stays allowed
      s.execute(
          "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
              + " scheduled_time, status, metadata, parameters, recurrence_pattern) VALUES"
              + " (gen_random_uuid(), 'r', 'telegram', 'x', now(), 'pending', NULL, NULL, NULL)");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM scheduled_messages")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(5);
      }
    }
  }

  @Test
  void shouldLetSenderRoleInsertAndUpdateDeliveryAttemptsWhenConnected() throws SQLException {
    TestDatabase db = infra.newDatabase();
    UUID id;
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      id = insertPending(s);
    }
    try (Connection c = db.dataSource(db.senderUser(), db.senderPassword()).getConnection();
        Statement s = c.createStatement()) {
      // the claim: an in-flight attempt only while the row holds the released version
      assertThat(
              s.executeUpdate(
                  "INSERT INTO delivery_attempts (message_id, row_version, attempt, platform,"
                      + " claimed_at, lease_until, state) SELECT id, row_version, attempts + 1,"
                      + " platform, now(), now() + interval '1 minute', 'in_flight'"
                      + " FROM scheduled_messages WHERE id = '"
                      + id
                      + "' AND row_version = 1 AND status = 'pending'"
                      + " AND scheduled_time <= now()"))
          .isEqualTo(1);
      // the outcome: close the attempt and write the row in one transaction
      c.setAutoCommit(false);
      assertThat(
              s.executeUpdate(
                  "UPDATE delivery_attempts SET state = 'sent', finished_at = now()"
                      + " WHERE message_id = '"
                      + id
                      + "' AND state = 'in_flight'"))
          .isEqualTo(1);
      assertThat(
              s.executeUpdate(
                  "UPDATE scheduled_messages SET status = 'sent', attempts = attempts + 1,"
                      + " sent_at = now() WHERE id = '"
                      + id
                      + "' AND row_version = 1 AND status = 'pending'"))
          .isEqualTo(1);
      c.commit();
      c.setAutoCommit(true);
      assertThat(status(s, id)).isEqualTo("sent");
      assertThat(rowVersion(s, id)).isEqualTo(2);
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM delivery_attempts"))
          .hasMessageContaining("permission denied");
    }
  }

  @Test
  void shouldKeepDeliveryAttemptsOutOfThePublication() throws SQLException {
    TestDatabase db = infra.newDatabase();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT tablename FROM pg_publication_tables WHERE pubname = 'schedmsg_cdc'"
                    + " ORDER BY tablename")) {
      List<String> published = new ArrayList<>();
      while (rs.next()) {
        published.add(rs.getString(1));
      }
      assertThat(published).contains("scheduled_messages").doesNotContain("delivery_attempts");
    }
  }

  // ---- V10: rows pending before V9/V10 get a version the scheduler sees ----

  @Test
  void shouldRaiseRowVersionOfRowsPendingBeforeUpgradeWhenMigratingFromV8() throws SQLException {
    TestDatabase db = infra.newDatabase();
    DataSource ds = db.dataSource();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    }
    Migrations.configure(ds).target("8").load().migrate();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      // more pending rows than one batch of V10 (5,000), and rows that are already final
      s.execute(
          "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
              + " scheduled_time, status) SELECT gen_random_uuid(), 'r', 'telegram', 'x', now(),"
              + " 'pending' FROM generate_series(1, 5003)");
      s.execute(
          "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
              + " scheduled_time, status, sent_at, attempts) SELECT gen_random_uuid(), 'r',"
              + " 'telegram', 'x', now(), 'sent', now(), 1 FROM generate_series(1, 3)");
    }
    Migrations.apply(ds);
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT status, row_version, count(*) FROM scheduled_messages"
                    + " GROUP BY status, row_version ORDER BY status, row_version")) {
      List<String> groups = new ArrayList<>();
      while (rs.next()) {
        groups.add(rs.getString(1) + " v" + rs.getLong(2) + " x" + rs.getLong(3));
      }
      // every pending row was touched exactly once; final rows keep the column default
      assertThat(groups).containsExactly("pending v2 x5003", "sent v1 x3");
    }
  }

  @Test
  void shouldRaiseRowVersionOfPendingRowsWrittenBetweenV9AndV10() throws SQLException {
    TestDatabase db = infra.newDatabase();
    DataSource ds = db.dataSource();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    }
    Migrations.configure(ds).target("9").load().migrate();
    UUID pending;
    UUID cancelled;
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      pending = insertPending(s);
      cancelled = insertPending(s);
      s.executeUpdate(
          "UPDATE scheduled_messages SET status = 'cancelled' WHERE id = '" + cancelled + "'");
      assertThat(rowVersion(s, pending)).isEqualTo(1);
    }
    Migrations.apply(ds);
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      assertThat(rowVersion(s, pending)).isEqualTo(2);
      assertThat(rowVersion(s, cancelled)).isEqualTo(2);
      assertThat(status(s, pending)).isEqualTo("pending");
    }
  }
}

package org.schedmsg.infra.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;

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
  void shouldLetSenderRoleUpdateOnlyDeliveryColumnsAndInsertWhenConnected() throws SQLException {
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
      // V8: the sender inserts the next occurrence of a recurring message
      assertThat(
              s.executeUpdate(
                  "INSERT INTO scheduled_messages (id, recipient_id, platform,"
                      + " message_content, scheduled_time, status) VALUES"
                      + " (gen_random_uuid(), 'r', 'telegram', 'x', now(), 'pending')"))
          .isEqualTo(1);
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
}

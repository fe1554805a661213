package org.schedmsg.infra.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;

/**
 * Each service role logs in (the sender and the ingestor with their passwords, as in production)
 * and tries what it must not do, and what it must (migrations V5, V7, V9, V12, V13, V14). A refusal
 * is either the grants' {@code 42501} ("permission denied") or the final-states trigger's {@code
 * SM002}, or the next-occurrence function's {@code SM003}.
 */
class ServiceRolesIT {
  private static final String DENIED = "42501";
  private static final String FINAL_STATES = "SM002";
  private static final String NEXT_REFUSED = "SM003";
  private static final String DAILY_COUNT_3 =
      "{\"rrule\": \"FREQ=DAILY\", \"timezone\": \"Europe/Berlin\", \"count\": 3}";
  private static final Instant FIRST = Instant.parse("2026-03-01T07:00:00Z");

  /** FIRST in Europe/Berlin, as the sender passes it for the first row of a series. */
  private static final String SERIES_START = "2026-03-01T08:00";

  private TestDatabase db;
  private DataSource owner;
  private DataSource sender;
  private DataSource ingestor;
  private DataSource operator;

  @BeforeEach
  void database() {
    db = TestInfrastructure.shared().newDatabase();
    owner = db.dataSource();
    sender = db.dataSource(db.senderUser(), db.senderPassword());
    ingestor = db.dataSource(db.ingestorUser(), db.ingestorPassword());
    operator = db.dataSource(db.operatorUser(), db.operatorPassword());
  }

  // ---- the sender ----

  @Test
  void shouldRefuseArbitraryRowWhenSenderInserts() throws SQLException {
    assertThat(
            sqlState(
                sender,
                s ->
                    s.execute(
                        "INSERT INTO scheduled_messages (id, recipient_id, platform,"
                            + " message_content, scheduled_time, status) VALUES"
                            + " (gen_random_uuid(), 'anyone', 'telegram', 'spam', now(),"
                            + " 'pending')")))
        .isEqualTo(DENIED);
    assertThat(count("SELECT count(*) FROM scheduled_messages")).isZero();
  }

  @Test
  void shouldRefuseContentOrRecipientChangeWhenSenderUpdates() throws SQLException {
    UUID id = insert("pending", "telegram", null, null);
    for (String change :
        new String[] {
          "message_content = 'changed'",
          "recipient_id = 'someone else'",
          "platform = 'whatsapp'",
          "template_key = 'other'",
          "parameters = '{}'",
          "scheduled_time = now()",
          "recurrence_pattern = NULL",
          "row_version = 1"
        }) {
      assertThat(sqlState(sender, s -> s.execute(update(id, change)))).as(change).isEqualTo(DENIED);
    }
    assertThat(text("SELECT message_content || '/' || recipient_id", id)).isEqualTo("x/r");
  }

  @Test
  void shouldRefuseResurrectingSentRowWhenSenderSetsItPending() throws SQLException {
    UUID telegram = insert("sent", "telegram", null, null);
    UUID whatsapp = insert("sent", "whatsapp", "{\"platform_message_id\": \"wamid.1\"}", null);
    for (UUID id : new UUID[] {telegram, whatsapp}) {
      assertThat(sqlState(sender, s -> s.execute(update(id, "status = 'pending'"))))
          .isEqualTo(FINAL_STATES);
      assertThat(status(id)).isEqualTo("sent");
    }
  }

  @Test
  void shouldRefuseEveryChangeOfFinalRowWhenSenderUpdates() throws SQLException {
    UUID sent = insert("sent", "telegram", null, null);
    UUID failed = insert("failed", "telegram", null, null);
    UUID cancelled = insert("cancelled", "telegram", null, null);
    assertThat(sqlState(sender, s -> s.execute(update(sent, "status = 'failed'"))))
        .isEqualTo(FINAL_STATES);
    assertThat(sqlState(sender, s -> s.execute(update(sent, "attempts = attempts + 1"))))
        .isEqualTo(FINAL_STATES);
    assertThat(sqlState(sender, s -> s.execute(update(failed, "error_message = 'other'"))))
        .isEqualTo(FINAL_STATES);
    assertThat(sqlState(sender, s -> s.execute(update(failed, "status = 'pending'"))))
        .isEqualTo(FINAL_STATES);
    assertThat(sqlState(sender, s -> s.execute(update(cancelled, "status = 'sent'"))))
        .isEqualTo(FINAL_STATES);
    assertThat(sqlState(sender, s -> s.execute(update(cancelled, "updated_at = now()"))))
        .isEqualTo(FINAL_STATES);
  }

  @Test
  void shouldRefuseLeavingDeliveryStatesWhenSenderUpdatesPendingRow() throws SQLException {
    UUID id = insert("pending", "telegram", "{\"on_ambiguous_outcome\": \"fail\"}", null);
    assertThat(sqlState(sender, s -> s.execute(update(id, "status = 'cancelled'"))))
        .isEqualTo(FINAL_STATES);
    assertThat(sqlState(sender, s -> s.execute(update(id, "attempts = attempts + 2"))))
        .isEqualTo(FINAL_STATES);
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(update(id, "attempts = 2"));
    }
    assertThat(sqlState(sender, s -> s.execute(update(id, "attempts = 1"))))
        .as("attempts never go back")
        .isEqualTo(FINAL_STATES);
    assertThat(
            sqlState(
                sender, s -> s.execute(update(id, "metadata = metadata - 'on_ambiguous_outcome'"))))
        .isEqualTo(FINAL_STATES);
    assertThat(
            sqlState(
                sender,
                s ->
                    s.execute(
                        update(id, "metadata = metadata || '{\"series_id\": \"" + id + "\"}'"))))
        .isEqualTo(FINAL_STATES);
    assertThat(status(id)).isEqualTo("pending");
  }

  @Test
  void shouldLetSenderMovePendingRowsThroughDeliveryStatesWhenItRecordsOutcomes()
      throws SQLException {
    UUID retried = insert("pending", "telegram", null, null);
    UUID sent = insert("pending", "telegram", "{\"on_ambiguous_outcome\": \"fail\"}", null);
    UUID failed = insert("pending", "telegram", null, null);
    try (Connection c = sender.getConnection();
        Statement s = c.createStatement()) {
      assertThat(
              s.executeUpdate(
                  update(
                      retried,
                      "attempts = attempts + 1, last_attempt_time = now(),"
                          + " error_message = 'telegram:internal_error', updated_at = now()")))
          .isEqualTo(1);
      assertThat(
              s.executeUpdate(
                  update(
                      sent,
                      "status = 'sent', sent_at = now(), attempts = attempts + 1,"
                          + " metadata = metadata || '{\"platform_message_id\": \"42\"}'")))
          .isEqualTo(1);
      assertThat(
              s.executeUpdate(
                  update(
                      failed,
                      "status = 'failed', failed_at = now(),"
                          + " error_message = 'delivery_window_expired'")))
          .isEqualTo(1);
    }
    assertThat(status(retried)).isEqualTo("pending");
    assertThat(status(sent)).isEqualTo("sent");
    assertThat(status(failed)).isEqualTo("failed");
  }

  @Test
  void shouldLetWhatsAppReceiptFollowSentButNothingElseWhenSenderUpdatesSentRow()
      throws SQLException {
    UUID read = insert("sent", "whatsapp", "{\"platform_message_id\": \"wamid.1\"}", null);
    UUID undeliverable = insert("sent", "whatsapp", "{\"platform_message_id\": \"wamid.2\"}", null);
    UUID telegram = insert("sent", "telegram", "{\"platform_message_id\": \"7\"}", null);
    try (Connection c = sender.getConnection();
        Statement s = c.createStatement()) {
      assertThat(
              s.executeUpdate(
                  update(
                      read,
                      "metadata = metadata || '{\"receipt_status\": \"read\", \"delivered_at\":"
                          + " \"t1\", \"read_at\": \"t2\"}', updated_at = now()")))
          .isEqualTo(1);
      assertThat(
              s.executeUpdate(
                  update(
                      undeliverable,
                      "metadata = metadata || '{\"receipt_status\": \"failed\","
                          + " \"receipt_error_code\": 131026}', status = 'failed',"
                          + " failed_at = now(), error_message = 'whatsapp:131026'")))
          .isEqualTo(1);
    }
    assertThat(status(undeliverable)).isEqualTo("failed");
    // the receipt path does not open the door to anything else
    assertThat(
            sqlState(
                sender,
                s ->
                    s.execute(
                        update(
                            read,
                            "metadata = metadata || '{\"platform_message_id\": \"wamid.9\"}'"))))
        .isEqualTo(FINAL_STATES);
    assertThat(
            sqlState(
                sender, s -> s.execute(update(read, "status = 'failed', error_message = 'other'"))))
        .isEqualTo(FINAL_STATES);
    assertThat(
            sqlState(
                sender,
                s ->
                    s.execute(
                        update(
                            telegram, "metadata = metadata || '{\"receipt_status\": \"read\"}'"))))
        .isEqualTo(FINAL_STATES);
    assertThat(
            sqlState(
                sender,
                s ->
                    s.execute(
                        update(
                            undeliverable,
                            "metadata = metadata || '{\"receipt_status\": \"read\"}'"))))
        .isEqualTo(FINAL_STATES);
  }

  @Test
  void shouldApplySenderRulesWhenLoginRoleIsOnlyMemberOfSenderRole() throws SQLException {
    UUID id = insert("sent", "telegram", null, null);
    String member = "schedmsg_test_sender_" + db.name();
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + member + " LOGIN PASSWORD 'member-pw' IN ROLE schedmsg_sender");
    }
    try {
      assertThat(
              sqlState(
                  db.dataSource(member, "member-pw"),
                  s -> s.execute(update(id, "status = 'pending'"))))
          .isEqualTo(FINAL_STATES);
    } finally {
      try (Connection c = owner.getConnection();
          Statement s = c.createStatement()) {
        s.execute("DROP ROLE " + member);
      }
    }
  }

  // ---- the sender's next occurrence of a series (V12) ----

  @Test
  void shouldInsertNextOccurrenceCopiedFromFinishedRowWhenSenderCallsFunction()
      throws SQLException {
    UUID first = insertRecurring(DAILY_COUNT_3);
    Instant second = FIRST.plusSeconds(86_400);
    UUID nextId = occurrenceId(first, second);
    try (Connection c = sender.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.executeUpdate(update(first, "status = 'sent', sent_at = now(), attempts = 1"));
      }
      assertThat(next(c, first, nextId, second, 2)).isTrue();
      assertThat(next(c, first, nextId, second, 2)).as("a repeat inserts nothing").isFalse();
      c.commit();
    }
    assertThat(
            text(
                "SELECT concat_ws('/', recipient_id, platform, message_content, template_key,"
                    + " parameters::text, priority, status, attempts, row_version,"
                    + " metadata->>'series_id', metadata->>'occurrence',"
                    + " metadata->>'series_start', metadata->'platform_message_id' IS NOT NULL)",
                nextId))
        .isEqualTo(
            "r/telegram/x/tpl/{\"name\": \"Ada\"}/2/pending/0/1/"
                + first
                + "/2/2026-03-01T08:00/f");
    assertThat(
            query(
                "SELECT inserted_by || '/' || next_id || '/' || next_occurrence"
                    + " FROM series_continuations WHERE parent_id = ?",
                first))
        .isEqualTo("schedmsg_sender/" + nextId + "/2");
  }

  @Test
  void shouldRefuseNextOccurrenceWhenSenderDidNotFinishTheRowInItsTransaction()
      throws SQLException {
    UUID pending = insertRecurring(DAILY_COUNT_3);
    Instant second = FIRST.plusSeconds(86_400);
    assertThat(nextState(pending, occurrenceId(pending, second), second, 2, null))
        .as("still pending")
        .isEqualTo(NEXT_REFUSED);
    UUID finishedEarlier = insertRecurring(DAILY_COUNT_3);
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(update(finishedEarlier, "status = 'sent'"));
    }
    assertThat(nextState(finishedEarlier, occurrenceId(finishedEarlier, second), second, 2, null))
        .as("finished in another transaction")
        .isEqualTo(NEXT_REFUSED);
    UUID once = insert("pending", "telegram", null, null);
    assertThat(nextState(once, occurrenceId(once, second), second, 2, "status = 'sent'"))
        .as("does not recur")
        .isEqualTo(NEXT_REFUSED);
    assertThat(count("SELECT count(*) FROM scheduled_messages")).isEqualTo(3);
  }

  @Test
  void shouldRefuseNextOccurrenceWhenTimeNumberOrIdIsNotWhatTheSeriesAllows() throws SQLException {
    UUID first = insertRecurring(DAILY_COUNT_3);
    Instant second = FIRST.plusSeconds(86_400);
    String finish = "status = 'sent'";
    assertThat(nextState(first, occurrenceId(first, FIRST), FIRST, 2, finish))
        .as("not after the finished row")
        .isEqualTo(NEXT_REFUSED);
    assertThat(nextState(first, occurrenceId(first, second), second, 1, finish))
        .as("number not above the finished row's")
        .isEqualTo(NEXT_REFUSED);
    assertThat(nextState(first, occurrenceId(first, second), second, 4, finish))
        .as("beyond count")
        .isEqualTo(NEXT_REFUSED);
    assertThat(nextState(first, UUID.randomUUID(), second, 2, finish))
        .as("an id the caller chose")
        .isEqualTo(NEXT_REFUSED);
    UUID until =
        insertRecurring(
            "{\"rrule\": \"FREQ=DAILY\", \"timezone\": \"UTC\", \"until\": \"2026-03-01T12:00:00Z\"}");
    assertThat(nextState(until, occurrenceId(until, second), second, 2, finish))
        .as("beyond until")
        .isEqualTo(NEXT_REFUSED);
    assertThat(count("SELECT count(*) FROM scheduled_messages")).isEqualTo(2);
  }

  @Test
  void shouldKeepTheSeriesOfALaterOccurrenceWhateverTheCallerPassesAsStart() throws SQLException {
    UUID series = UUID.randomUUID();
    Instant second = FIRST.plusSeconds(86_400);
    UUID parent =
        insert(
            "pending",
            "telegram",
            "{\"series_id\": \""
                + series
                + "\", \"occurrence\": 2, \"series_start\": \"2026-02-28T08:00\"}",
            DAILY_COUNT_3);
    UUID nextId = occurrenceId(series, second);
    try (Connection c = sender.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.executeUpdate(update(parent, "status = 'failed', error_message = 'telegram:500'"));
      }
      assertThat(next(c, parent, nextId, second, 3, "1999-01-01T00:00")).isTrue();
      c.commit();
    }
    assertThat(
            text(
                "SELECT concat_ws('/', metadata->>'series_id', metadata->>'occurrence',"
                    + " metadata->>'series_start')",
                nextId))
        .isEqualTo(series + "/3/2026-02-28T08:00");
    UUID first = insertRecurring(DAILY_COUNT_3);
    try (Connection c = sender.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.executeUpdate(update(first, "status = 'sent'"));
      }
      Throwable thrown =
          catchThrowable(() -> next(c, first, occurrenceId(first, second), second, 2, "8 am"));
      assertThat(((SQLException) thrown).getSQLState())
          .as("the first row's start must be a wall-clock time")
          .isEqualTo(NEXT_REFUSED);
      c.rollback();
    }
  }

  // ---- the ingestor ----

  @Test
  void shouldRefuseEveryWriteWhenIngestorWritesTheTables() throws SQLException {
    UUID id = insert("pending", "telegram", null, null);
    assertThat(
            sqlState(
                ingestor,
                s ->
                    s.execute(
                        "INSERT INTO scheduled_messages (id, recipient_id, platform,"
                            + " message_content, scheduled_time, status) VALUES"
                            + " (gen_random_uuid(), 'r', 'telegram', 'x', now(), 'pending')")))
        .isEqualTo(DENIED);
    assertThat(sqlState(ingestor, s -> s.execute(update(id, "status = 'cancelled'"))))
        .isEqualTo(DENIED);
    assertThat(sqlState(ingestor, s -> s.execute("DELETE FROM scheduled_messages")))
        .isEqualTo(DENIED);
    assertThat(sqlState(ingestor, s -> s.execute("SELECT * FROM delivery_attempts")))
        .isEqualTo(DENIED);
    assertThat(
            sqlState(
                ingestor,
                s ->
                    s.execute(
                        "SELECT schedmsg_insert_next_occurrence('"
                            + id
                            + "', gen_random_uuid(), now(), 2, '2026-03-01T08:00')")))
        .isEqualTo(DENIED);
    // what it needs: the snapshot's SELECT and its heartbeat row
    try (Connection c = ingestor.getConnection();
        Statement s = c.createStatement()) {
      s.executeQuery("SELECT id, message_content FROM scheduled_messages").close();
      s.execute(
          "INSERT INTO schedmsg_cdc_heartbeat (slot_name, beat_at) VALUES ('s', now())"
              + " ON CONFLICT (slot_name) DO UPDATE SET beat_at = excluded.beat_at");
    }
    assertThat(status(id)).isEqualTo("pending");
  }

  // ---- the operator ----

  @Test
  void shouldLetOperatorReadDeliveryColumnsAndCancelPendingRow() throws SQLException {
    UUID pending = insert("pending", "telegram", null, null);
    try (Connection c = operator.getConnection();
        Statement s = c.createStatement()) {
      s.executeQuery(
              "SELECT id, platform, status, priority, scheduled_time, delivery_window_seconds,"
                  + " attempts, last_attempt_time, sent_at, failed_at, error_message, row_version,"
                  + " metadata->>'receipt_status' FROM scheduled_messages")
          .close();
      s.executeQuery("SELECT * FROM delivery_attempts").close();
      s.executeQuery("SELECT * FROM series_continuations").close();
      s.executeQuery(
              "SELECT slot_name, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)"
                  + " FROM pg_replication_slots")
          .close();
      assertThat(
              s.executeUpdate(
                  "UPDATE scheduled_messages SET status = 'cancelled', updated_at = now()"
                      + " WHERE id = '"
                      + pending
                      + "' AND status = 'pending'"))
          .isEqualTo(1);
    }
    assertThat(status(pending)).isEqualTo("cancelled");
  }

  @Test
  void shouldRefuseOperatorEverythingBeyondReadingAndCancellingWhenItTries() throws SQLException {
    UUID pending = insert("pending", "telegram", null, null);
    UUID sent = insert("sent", "telegram", null, null);
    UUID cancelled = insert("cancelled", "telegram", null, null);
    assertThat(sqlState(operator, s -> s.execute("SELECT message_content FROM scheduled_messages")))
        .as("no content")
        .isEqualTo(DENIED);
    assertThat(sqlState(operator, s -> s.execute("SELECT recipient_id FROM scheduled_messages")))
        .as("no recipient")
        .isEqualTo(DENIED);
    assertThat(sqlState(operator, s -> s.execute("SELECT * FROM scheduled_messages")))
        .isEqualTo(DENIED);
    assertThat(
            sqlState(
                operator,
                s ->
                    s.execute(
                        "INSERT INTO scheduled_messages (id, recipient_id, platform,"
                            + " message_content, scheduled_time, status) VALUES"
                            + " (gen_random_uuid(), 'r', 'telegram', 'x', now(), 'pending')")))
        .isEqualTo(DENIED);
    assertThat(sqlState(operator, s -> s.execute("DELETE FROM scheduled_messages")))
        .isEqualTo(DENIED);
    assertThat(sqlState(operator, s -> s.execute(update(pending, "scheduled_time = now()"))))
        .isEqualTo(DENIED);
    assertThat(sqlState(operator, s -> s.execute("UPDATE delivery_attempts SET state = 'sent'")))
        .isEqualTo(DENIED);
    assertThat(sqlState(operator, s -> s.execute(update(pending, "status = 'sent'"))))
        .isEqualTo(FINAL_STATES);
    assertThat(sqlState(operator, s -> s.execute(update(cancelled, "status = 'pending'"))))
        .as("no un-cancel")
        .isEqualTo(FINAL_STATES);
    assertThat(sqlState(operator, s -> s.execute(update(sent, "status = 'cancelled'"))))
        .isEqualTo(FINAL_STATES);
    assertThat(
            sqlState(
                operator,
                s ->
                    s.execute(
                        "SELECT schedmsg_insert_next_occurrence('"
                            + sent
                            + "', gen_random_uuid(), now(), 2, '2026-03-01T08:00')")))
        .isEqualTo(DENIED);
    assertThat(status(pending)).isEqualTo("pending");
    assertThat(status(sent)).isEqualTo("sent");
  }

  @Test
  void shouldGiveNoServiceRoleSuperuserAndOnlyTheIngestorReplication() throws SQLException {
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT rolname, rolsuper, rolreplication, rolcreaterole, rolcreatedb,"
                    + " rolbypassrls FROM pg_roles WHERE rolname LIKE 'schedmsg\\_%'"
                    + " AND rolname NOT LIKE 'schedmsg\\_test\\_%' ORDER BY rolname")) {
      StringBuilder roles = new StringBuilder();
      while (rs.next()) {
        roles.append(rs.getString(1));
        for (int column = 2; column <= 6; column++) {
          roles.append(rs.getBoolean(column) ? " +" + rs.getMetaData().getColumnName(column) : "");
        }
        roles.append('\n');
      }
      assertThat(roles.toString())
          .isEqualTo(
              "schedmsg_ingestor +rolreplication\n"
                  + "schedmsg_operator\n"
                  + "schedmsg_sender\n"
                  + "schedmsg_series_writer\n"
                  + "schedmsg_upstream\n");
    }
  }

  // ---- an upstream service ----

  @Test
  void shouldLetUpstreamRoleInsertEditAndCancelButNotWriteSenderColumns() throws SQLException {
    DataSource upstream = db.dataSource(db.upstreamUser(), db.upstreamPassword());
    UUID id = UUID.randomUUID();
    try (Connection c = upstream.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
              + " scheduled_time, status) VALUES ('"
              + id
              + "', 'r', 'telegram', 'x', now(), 'pending')");
      assertThat(s.executeUpdate(update(id, "message_content = 'edited'"))).isEqualTo(1);
      assertThat(s.executeUpdate(update(id, "status = 'cancelled'"))).isEqualTo(1);
    }
    assertThat(sqlState(upstream, s -> s.execute(update(id, "attempts = 3")))).isEqualTo(DENIED);
    assertThat(sqlState(upstream, s -> s.execute("SELECT * FROM delivery_attempts")))
        .isEqualTo(DENIED);
  }

  // ---- helpers ----

  @FunctionalInterface
  private interface Work {
    void run(Statement s) throws SQLException;
  }

  /** The SQLSTATE {@code work} fails with as a login of {@code as} (fails the test if none). */
  private static String sqlState(DataSource as, Work work) throws SQLException {
    try (Connection c = as.getConnection();
        Statement s = c.createStatement()) {
      ThrowingCallable call = () -> work.run(s);
      Throwable thrown = catchThrowable(call);
      assertThat(thrown).as("refused").isInstanceOf(SQLException.class);
      return ((SQLException) thrown).getSQLState();
    }
  }

  /**
   * The SQLSTATE of a sender's call of the next-occurrence function, in one transaction after
   * {@code finish} (an UPDATE of the parent, or none); the transaction is rolled back.
   */
  private String nextState(UUID parent, UUID nextId, Instant time, int number, String finish)
      throws SQLException {
    try (Connection c = sender.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (finish != null) {
          try (Statement s = c.createStatement()) {
            s.executeUpdate(update(parent, finish));
          }
        }
        Throwable thrown = catchThrowable(() -> next(c, parent, nextId, time, number));
        assertThat(thrown).as("refused").isInstanceOf(SQLException.class);
        return ((SQLException) thrown).getSQLState();
      } finally {
        c.rollback();
      }
    }
  }

  private static boolean next(Connection c, UUID parent, UUID nextId, Instant time, int number)
      throws SQLException {
    return next(c, parent, nextId, time, number, SERIES_START);
  }

  private static boolean next(
      Connection c, UUID parent, UUID nextId, Instant time, int number, String seriesStart)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT schedmsg_insert_next_occurrence(?, ?, ?, ?, ?)")) {
      ps.setObject(1, parent);
      ps.setObject(2, nextId);
      ps.setObject(3, OffsetDateTime.ofInstant(time, ZoneOffset.UTC));
      ps.setInt(4, number);
      ps.setString(5, seriesStart);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** recurrence's NextOccurrence.occurrenceId, which the function must reproduce. */
  private static UUID occurrenceId(UUID series, Instant time) {
    return UUID.nameUUIDFromBytes(
        ("schedmsg-occurrence:" + series + ":" + time).getBytes(StandardCharsets.UTF_8));
  }

  private static String update(UUID id, String set) {
    return "UPDATE scheduled_messages SET " + set + " WHERE id = '" + id + "'";
  }

  private UUID insert(String status, String platform, String metadata, String pattern)
      throws SQLException {
    UUID id = UUID.randomUUID();
    try (Connection c = owner.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
                    + " scheduled_time, status, template_key, parameters, priority, metadata,"
                    + " recurrence_pattern) VALUES (?, 'r', ?, 'x', ?, ?, 'tpl',"
                    + " '{\"name\": \"Ada\"}', 2, ?::jsonb, ?::jsonb)")) {
      ps.setObject(1, id);
      ps.setString(2, platform);
      ps.setObject(3, OffsetDateTime.ofInstant(FIRST, ZoneOffset.UTC));
      ps.setString(4, status);
      ps.setString(5, metadata);
      ps.setString(6, pattern);
      ps.executeUpdate();
    }
    return id;
  }

  private UUID insertRecurring(String pattern) throws SQLException {
    return insert("pending", "telegram", null, pattern);
  }

  private String status(UUID id) throws SQLException {
    return text("SELECT status", id);
  }

  /** {@code select} (a SELECT list) of message {@code id}, read as the owner. */
  private String text(String select, UUID id) throws SQLException {
    return query(select + " FROM scheduled_messages WHERE id = ?", id);
  }

  /** The first column of the one row {@code sql} (with one parameter, {@code id}) returns. */
  private String query(String sql, UUID id) throws SQLException {
    try (Connection c = owner.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

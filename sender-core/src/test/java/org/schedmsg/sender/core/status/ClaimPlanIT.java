package org.schedmsg.sender.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;

/**
 * The sender's statements find their row by primary key even when thousands of pending rows share
 * the due instant (a burst of 08:00 reminders), {@code delivery_attempts} holds an attempt of each,
 * and the tables' statistics predate them. Before the writes' conditions were made unindexable, the
 * claim's plan was the pending index on scheduled_time, visiting every row of the burst for each
 * claim (measured: 100 claims a second in a burst of 30,000). The compare-and-set is on {@code
 * row_version}, which no index holds.
 */
class ClaimPlanIT {
  private static final int BURST = 20_000;
  private static final String MESSAGE_PKEY = "Index Scan using scheduled_messages_pkey";

  @Test
  void shouldFindRowByPrimaryKeyWhenBurstSharesDueInstantAndStatisticsAreStale() throws Exception {
    TestDatabase db = TestInfrastructure.shared().newDatabase();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      // statistics of the empty tables, as before a burst
      s.execute("ANALYZE scheduled_messages");
      s.execute("ANALYZE delivery_attempts");
      s.execute(
          "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
              + " scheduled_time, status)"
              + " SELECT gen_random_uuid(), 'r' || g, 'telegram', 'placeholder',"
              + " timestamptz '2026-12-01 08:00:00+00', 'pending'"
              + " FROM generate_series(1, "
              + BURST
              + ") g");
      s.execute(
          "INSERT INTO delivery_attempts (message_id, row_version, attempt, platform, claimed_at,"
              + " lease_until, state, finished_at)"
              + " SELECT id, 1, 1, 'telegram', timestamptz '2026-12-01 08:00:01+00',"
              + " timestamptz '2026-12-01 08:01:01+00', 'given_back',"
              + " timestamptz '2026-12-01 08:00:02+00' FROM scheduled_messages");

      UUID id;
      try (ResultSet rs = s.executeQuery("SELECT id FROM scheduled_messages LIMIT 1")) {
        rs.next();
        id = rs.getObject(1, UUID.class);
      }
      long attemptId;
      try (ResultSet rs = s.executeQuery("SELECT attempt_id FROM delivery_attempts LIMIT 1")) {
        rs.next();
        attemptId = rs.getLong(1);
      }
      OffsetDateTime due = OffsetDateTime.parse("2026-12-01T08:00:00Z");
      OffsetDateTime now = due.plusSeconds(1);
      String text = "delivery_window_expired";
      String returning = SeriesContinuation.RETURNING;

      assertThat(plan(c, JdbcMessageStatusRepository.LOCK_FOR_CLAIM, id)).contains(MESSAGE_PKEY);
      assertThat(plan(c, JdbcMessageStatusRepository.IN_FLIGHT_ATTEMPT, id))
          .as("the attempt in flight is found by its message id")
          .doesNotContain("Seq Scan on delivery_attempts")
          .containsPattern("Index (Only )?Scan using delivery_attempts_");
      assertThat(
              plan(
                  c,
                  JdbcMessageStatusRepository.MARK_SENT + returning,
                  now,
                  now,
                  now,
                  "42",
                  id,
                  1L))
          .contains(MESSAGE_PKEY);
      assertThat(
              plan(
                  c,
                  JdbcMessageStatusRepository.MARK_FAILED + returning,
                  now,
                  now,
                  now,
                  text,
                  id,
                  1L))
          .contains(MESSAGE_PKEY);
      assertThat(plan(c, JdbcMessageStatusRepository.MARK_RETRYABLE, now, now, text, id, 1L))
          .contains(MESSAGE_PKEY);
      assertThat(
              plan(
                  c,
                  JdbcMessageStatusRepository.FAIL_UNATTEMPTED + returning,
                  now,
                  now,
                  text,
                  id,
                  1L))
          .contains(MESSAGE_PKEY);
      assertThat(plan(c, JdbcMessageStatusRepository.CLOSE_ATTEMPT, "sent", now, null, attemptId))
          .contains("Index Scan using delivery_attempts_pkey");
      // the next occurrence (SeriesContinuation.INSERT_NEXT) is a function call: its statements
      // (migration V12) read and copy the finished row by primary key, WHERE m.id = p_parent_id
      assertThat(
              plan(
                  c,
                  JdbcMessageStatusRepository.STILL_CURRENT,
                  c.createArrayOf("uuid", new Object[] {id, UUID.randomUUID()})))
          .contains("scheduled_messages_pkey");
    }
  }

  private static String plan(Connection c, String sql, Object... params) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
      for (int i = 0; i < params.length; i++) {
        if (params[i] == null) {
          ps.setNull(i + 1, java.sql.Types.VARCHAR);
        } else {
          ps.setObject(i + 1, params[i]);
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          lines.add(rs.getString(1));
        }
      }
    }
    return String.join("\n", lines);
  }
}

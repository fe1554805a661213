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
 * The sender's row writes find their row by primary key even when thousands of pending rows share
 * the due instant (a burst of 08:00 reminders) and the table's statistics predate them. Before the
 * writes' conditions were made unindexable, the claim's plan was the pending index on
 * scheduled_time, visiting every row of the burst for each claim (measured: 100 claims a second in
 * a burst of 30,000).
 */
class ClaimPlanIT {
  private static final int BURST = 20_000;

  @Test
  void shouldFindRowByPrimaryKeyWhenBurstSharesDueInstantAndStatisticsAreStale() throws Exception {
    TestDatabase db = TestInfrastructure.shared().newDatabase();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("ANALYZE scheduled_messages"); // statistics of the empty table, as before a burst
      s.execute(
          "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
              + " scheduled_time, status)"
              + " SELECT gen_random_uuid(), 'r' || g, 'telegram', 'placeholder',"
              + " timestamptz '2026-12-01 08:00:00+00', 'pending'"
              + " FROM generate_series(1, "
              + BURST
              + ") g");

      UUID id;
      try (ResultSet rs = s.executeQuery("SELECT id FROM scheduled_messages LIMIT 1")) {
        rs.next();
        id = rs.getObject(1, UUID.class);
      }
      OffsetDateTime due = OffsetDateTime.parse("2026-12-01T08:00:00Z");
      OffsetDateTime now = due.plusSeconds(1);
      String text = "delivery_window_expired";
      assertThat(plan(c, JdbcMessageStatusRepository.CLAIM, now, now, id, 0, due))
          .contains("Index Scan using scheduled_messages_pkey");
      assertThat(plan(c, JdbcMessageStatusRepository.MARK_SENT, now, now, "42", id, 1))
          .contains("Index Scan using scheduled_messages_pkey");
      assertThat(plan(c, JdbcMessageStatusRepository.MARK_FAILED, now, now, text, id, 1))
          .contains("Index Scan using scheduled_messages_pkey");
      assertThat(plan(c, JdbcMessageStatusRepository.EXPIRE, now, now, text, id, 0))
          .contains("Index Scan using scheduled_messages_pkey");
      assertThat(plan(c, JdbcMessageStatusRepository.REJECT, now, now, text, id, 0, due))
          .contains("Index Scan using scheduled_messages_pkey");
      assertThat(plan(c, JdbcMessageStatusRepository.RELEASE_CLAIM, now, text, id, 1))
          .contains("Index Scan using scheduled_messages_pkey");
    }
  }

  private static String plan(Connection c, String sql, Object... params) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
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

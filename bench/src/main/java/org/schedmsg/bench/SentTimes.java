package org.schedmsg.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;

/**
 * Insert-to-sent: {@code sent_at - created_at} of every planned row the contestant marked sent,
 * read from its database after the run ({@code created_at} is {@code now()} of the inserting
 * transaction, {@code sent_at} is written by the contestant).
 */
final class SentTimes {
  private SentTimes() {}

  /** The histogram (microseconds) of the {@code planned} rows. */
  static Histogram read(DataSource owner, List<PlannedMessage> planned) {
    List<UUID> ids = planned.stream().map(PlannedMessage::id).toList();
    Histogram histogram = Latencies.histogram();
    try (Connection c = owner.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT created_at, sent_at FROM scheduled_messages"
                    + " WHERE id = ANY (?) AND sent_at IS NOT NULL")) {
      Array array = c.createArrayOf("uuid", ids.toArray());
      s.setArray(1, array);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Instant created = rs.getObject(1, OffsetDateTime.class).toInstant();
          Instant sent = rs.getObject(2, OffsetDateTime.class).toInstant();
          Latencies.record(histogram, created, sent);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read sent_at of the planned rows", e);
    }
    return histogram;
  }
}

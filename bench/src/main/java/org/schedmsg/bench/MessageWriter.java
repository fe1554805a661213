package org.schedmsg.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import javax.sql.DataSource;

/**
 * Writes rows into {@code scheduled_messages} as an upstream service would (the table owner, {@code
 * status = 'pending'}) with no delivery window ({@code delivery_window_seconds} NULL), so every
 * contestant must deliver every message however late; the seed's query knows no window. The text is
 * a fixed placeholder: the benchmark carries no patient data.
 */
final class MessageWriter {
  static final String TEXT = "benchmark message";
  private static final String INSERT =
      "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
          + " scheduled_time, status, priority, delivery_window_seconds)"
          + " VALUES (?, ?, 'telegram', ?, ?, 'pending', ?, NULL)";

  private final DataSource dataSource;

  MessageWriter(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Inserts {@code messages} in one transaction. */
  void insertBatch(List<PlannedMessage> messages) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement insert = c.prepareStatement(INSERT)) {
      c.setAutoCommit(false);
      for (PlannedMessage m : messages) {
        bind(insert, m);
        insert.addBatch();
      }
      insert.executeBatch();
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot insert a batch of " + messages.size() + " rows", e);
    }
  }

  /** Inserts one message in its own transaction, on {@code c} (autocommit). */
  static void insertOne(Connection c, PlannedMessage message) throws SQLException {
    try (PreparedStatement insert = c.prepareStatement(INSERT)) {
      bind(insert, message);
      insert.executeUpdate();
    }
  }

  private static void bind(PreparedStatement insert, PlannedMessage m) throws SQLException {
    insert.setObject(1, m.id());
    insert.setString(2, m.recipient());
    insert.setString(3, TEXT);
    insert.setTimestamp(4, Timestamp.from(m.scheduledTime()));
    insert.setInt(5, m.priority());
  }
}

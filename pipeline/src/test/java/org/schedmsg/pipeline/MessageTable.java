package org.schedmsg.pipeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** What an upstream service does: INSERT and UPDATE rows of scheduled_messages; and reads. */
final class MessageTable {
  private final DataSource dataSource;

  MessageTable(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  record Row(
      String status,
      int attempts,
      String errorMessage,
      Instant sentAt,
      Instant failedAt,
      Instant lastAttemptTime,
      String platformMessageId) {}

  UUID insert(String platform, String recipient, String text, Instant scheduledTime, int priority)
      throws SQLException {
    UUID id = UUID.randomUUID();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
                    + " scheduled_time, status, priority) VALUES (?, ?, ?, ?, ?, 'pending', ?)")) {
      s.setObject(1, id);
      s.setString(2, recipient);
      s.setString(3, platform);
      s.setString(4, text);
      s.setObject(5, OffsetDateTime.ofInstant(scheduledTime, ZoneOffset.UTC));
      s.setInt(6, priority);
      s.executeUpdate();
    }
    return id;
  }

  void cancel(UUID id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE scheduled_messages SET status = 'cancelled', updated_at = now()"
                    + " WHERE id = ?")) {
      s.setObject(1, id);
      s.executeUpdate();
    }
  }

  /**
   * An upstream edit of the recipient and text of a pending row: null when it committed, else the
   * SQLSTATE it failed with ({@code SM001} while the message is being delivered).
   */
  String editRecipientAndText(UUID id, String recipient, String text) throws SQLException {
    return update(
        "UPDATE scheduled_messages SET recipient_id = ?, message_content = ?, updated_at = now()"
            + " WHERE id = ? AND status = 'pending'",
        recipient,
        text,
        id);
  }

  /** Upstream's safe cancel: null when it committed, else the SQLSTATE it failed with. */
  String cancelPending(UUID id) throws SQLException {
    return update(
        "UPDATE scheduled_messages SET status = 'cancelled', updated_at = now()"
            + " WHERE id = ? AND status = 'pending'",
        id);
  }

  private String update(String sql, Object... values) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        s.setObject(i + 1, values[i]);
      }
      s.executeUpdate();
      return null;
    } catch (SQLException e) {
      if (e.getSQLState() == null || e.getSQLState().startsWith("08")) {
        throw e;
      }
      return e.getSQLState();
    }
  }

  /** The states of the message's delivery attempts, oldest first. */
  java.util.List<String> attemptStates(UUID id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT state FROM delivery_attempts WHERE message_id = ? ORDER BY attempt_id")) {
      s.setObject(1, id);
      java.util.List<String> states = new java.util.ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          states.add(rs.getString(1));
        }
      }
      return states;
    }
  }

  /** {@code metadata.<key>} of the row (receipt_status, delivered_at, read_at ...), or null. */
  String metadata(UUID id, String key) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT metadata->>? FROM scheduled_messages WHERE id = ?")) {
      s.setString(1, key);
      s.setObject(2, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  String recipient(UUID id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT recipient_id FROM scheduled_messages WHERE id = ?")) {
      s.setObject(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  Optional<Row> find(UUID id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT status, attempts, error_message, sent_at, failed_at, last_attempt_time,"
                    + " metadata->>'platform_message_id' AS platform_message_id"
                    + " FROM scheduled_messages WHERE id = ?")) {
      s.setObject(1, id);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Row(
                rs.getString("status"),
                rs.getInt("attempts"),
                rs.getString("error_message"),
                instant(rs.getTimestamp("sent_at")),
                instant(rs.getTimestamp("failed_at")),
                instant(rs.getTimestamp("last_attempt_time")),
                rs.getString("platform_message_id")));
      }
    }
  }

  String status(UUID id) throws SQLException {
    return find(id).map(Row::status).orElse(null);
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}

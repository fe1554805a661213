package org.schedmsg.cli.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The operator's queries and the one write an upstream service would do (insert, cancel). */
public final class MessageRepository {
  private static final String VIEW_COLUMNS =
      "id, platform, status, priority, scheduled_time, delivery_window_seconds, attempts,"
          + " last_attempt_time, sent_at, failed_at, error_message";

  private final Connection connection;

  public MessageRepository(Connection connection) {
    this.connection = connection;
  }

  public void insert(NewMessage m) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
                + " scheduled_time, status, priority, delivery_window_seconds, template_key,"
                + " parameters, metadata, recurrence_pattern) VALUES (?, ?, ?, ?, ?, 'pending', ?,"
                + " ?, ?, ?::jsonb, ?::jsonb, ?::jsonb)")) {
      s.setObject(1, m.id());
      s.setString(2, m.recipientId());
      s.setString(3, m.platform().id());
      s.setString(4, m.content());
      s.setObject(5, OffsetDateTime.ofInstant(m.scheduledTime(), ZoneOffset.UTC));
      s.setInt(6, m.priority());
      if (m.deliveryWindowSeconds() == null) {
        s.setNull(7, Types.INTEGER);
      } else {
        s.setInt(7, m.deliveryWindowSeconds());
      }
      s.setString(8, m.templateKey());
      s.setString(9, m.parametersJson());
      s.setString(10, m.metadataJson());
      s.setString(11, m.recurrenceJson());
      s.executeUpdate();
    }
  }

  public Optional<MessageView> find(UUID id) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT " + VIEW_COLUMNS + " FROM scheduled_messages WHERE id = ?")) {
      s.setObject(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(view(rs)) : Optional.empty();
      }
    }
  }

  /** Cancels a pending message; false when it is not pending (already final or unknown). */
  public boolean cancel(UUID id) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "UPDATE scheduled_messages SET status = 'cancelled', updated_at = now()"
                + " WHERE id = ? AND status = 'pending'")) {
      s.setObject(1, id);
      return s.executeUpdate() == 1;
    }
  }

  /**
   * Cancels the pending occurrence(s) of a recurring series ({@code metadata.series_id}, or the
   * first occurrence's own id); with no pending occurrence left, no next one is ever inserted.
   */
  public int cancelSeries(UUID seriesId) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "UPDATE scheduled_messages SET status = 'cancelled', updated_at = now()"
                + " WHERE status = 'pending' AND (id = ? OR metadata->>'series_id' = ?)")) {
      s.setObject(1, seriesId);
      s.setString(2, seriesId.toString());
      return s.executeUpdate();
    }
  }

  /**
   * Pending messages that should have moved by now: never attempted though due more than {@code
   * olderThan} ago, or claimed more than {@code olderThan} ago without an outcome (stalled).
   */
  public List<MessageView> stuck(Instant now, Duration olderThan) throws SQLException {
    Instant cutoff = now.minus(olderThan);
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT "
                + VIEW_COLUMNS
                + " FROM scheduled_messages WHERE status = 'pending' AND ("
                + " (attempts = 0 AND scheduled_time < ?)"
                + " OR (attempts > 0 AND last_attempt_time < ?))"
                + " ORDER BY scheduled_time LIMIT 1000")) {
      s.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
      s.setObject(2, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
      List<MessageView> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(view(rs));
        }
      }
      return rows;
    }
  }

  /** Due pending messages per platform and priority: the backlog waiting for delivery. */
  public Map<String, Long> dueBacklog(Instant now) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT platform, priority, count(*) FROM scheduled_messages WHERE status = 'pending'"
                + " AND scheduled_time <= ? GROUP BY platform, priority ORDER BY 1, 2")) {
      s.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      Map<String, Long> backlog = new LinkedHashMap<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          backlog.put(rs.getString(1) + " priority " + rs.getInt(2), rs.getLong(3));
        }
      }
      return backlog;
    }
  }

  /**
   * True when a sender would claim this delivery now: the same compare-and-set as the claim ({@code
   * status = 'pending'}, the released {@code attempts} and {@code scheduled_time}).
   */
  public boolean wouldBeClaimed(UUID id, int attempts, Instant scheduledTime) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT 1 FROM scheduled_messages WHERE id = ? AND status = 'pending'"
                + " AND attempts = ? AND scheduled_time = ?")) {
      s.setObject(1, id);
      s.setInt(2, attempts);
      s.setObject(3, OffsetDateTime.ofInstant(scheduledTime, ZoneOffset.UTC));
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Bytes of WAL each replication slot holds back (the CDC ingestor's lag). */
  public Map<String, Long> slotLagBytes() throws SQLException {
    try (PreparedStatement s =
            connection.prepareStatement(
                "SELECT slot_name, COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(),"
                    + " confirmed_flush_lsn), 0) FROM pg_replication_slots ORDER BY 1");
        ResultSet rs = s.executeQuery()) {
      Map<String, Long> lag = new LinkedHashMap<>();
      while (rs.next()) {
        lag.put(rs.getString(1), rs.getLong(2));
      }
      return lag;
    }
  }

  private static MessageView view(ResultSet rs) throws SQLException {
    return new MessageView(
        rs.getObject("id", UUID.class),
        rs.getString("platform"),
        rs.getString("status"),
        rs.getInt("priority"),
        instant(rs.getTimestamp("scheduled_time")),
        (Integer) rs.getObject("delivery_window_seconds"),
        rs.getInt("attempts"),
        instant(rs.getTimestamp("last_attempt_time")),
        instant(rs.getTimestamp("sent_at")),
        instant(rs.getTimestamp("failed_at")),
        rs.getString("error_message"));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}

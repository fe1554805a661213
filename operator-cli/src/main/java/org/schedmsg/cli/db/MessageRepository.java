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
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The operator's queries and the one write an upstream service would do (insert, cancel). */
public final class MessageRepository {
  private static final String VIEW_COLUMNS =
      "id, platform, status, priority, scheduled_time, delivery_window_seconds, attempts,"
          + " last_attempt_time, sent_at, failed_at, error_message, row_version,"
          + " metadata->>'receipt_status' AS receipt_status,"
          + " metadata->>'delivered_at' AS delivered_at, metadata->>'read_at' AS read_at";

  /**
   * SQLSTATE of the trigger of migration V9: an UPDATE or DELETE of a message whose attempt is in
   * flight (a sender claimed it and is calling the platform) fails with it.
   */
  public static final String BEING_DELIVERED = "SM001";

  /** SQLSTATEs that mean "no attempts log here" (before V9, or a role without SELECT on it). */
  private static final Set<String> NO_ATTEMPTS_LOG = Set.of("42P01", "42501");

  /** How many ids one query of {@link #pendingVersions} asks for. */
  private static final int VERSION_BATCH = 1000;

  /** The outcome of {@link #cancel}. */
  public enum CancelOutcome {
    /** Was pending, is now cancelled: it will never be sent. */
    CANCELLED,
    /** Unknown id, or already sent, failed or cancelled: nothing changed. */
    NOT_PENDING,
    /**
     * A sender is delivering it right now (live in-flight attempt, SQLSTATE {@value
     * #BEING_DELIVERED}): nothing changed; the row shows the outcome once it is recorded.
     */
    BEING_DELIVERED
  }

  /** {@link #cancelSeries}: a pending occurrence of the series is being delivered right now. */
  public static final class BeingDeliveredException extends Exception {
    public BeingDeliveredException(SQLException cause) {
      super("being delivered (SQLSTATE " + BEING_DELIVERED + ")", cause);
    }
  }

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

  /**
   * Cancels a pending message ({@code UPDATE ... SET status = 'cancelled' WHERE id = ? AND status =
   * 'pending'}). A cancel that commits before a sender's claim means the message is never sent; one
   * that arrives while the sender's attempt is in flight is refused by the database (SQLSTATE
   * {@value #BEING_DELIVERED}) and changes nothing, so the row keeps telling what the patient
   * received.
   */
  public CancelOutcome cancel(UUID id) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "UPDATE scheduled_messages SET status = 'cancelled', updated_at = now()"
                + " WHERE id = ? AND status = 'pending'")) {
      s.setObject(1, id);
      return s.executeUpdate() == 1 ? CancelOutcome.CANCELLED : CancelOutcome.NOT_PENDING;
    } catch (SQLException e) {
      if (BEING_DELIVERED.equals(e.getSQLState())) {
        return CancelOutcome.BEING_DELIVERED;
      }
      throw e;
    }
  }

  /**
   * Cancels the pending occurrence(s) of a recurring series ({@code metadata.series_id}, or the
   * first occurrence's own id); with no pending occurrence left, no next one is ever inserted.
   *
   * @throws BeingDeliveredException an occurrence is being delivered right now: nothing changed
   */
  public int cancelSeries(UUID seriesId) throws SQLException, BeingDeliveredException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "UPDATE scheduled_messages SET status = 'cancelled', updated_at = now()"
                + " WHERE status = 'pending' AND (id = ? OR metadata->>'series_id' = ?)")) {
      s.setObject(1, seriesId);
      s.setString(2, seriesId.toString());
      return s.executeUpdate();
    } catch (SQLException e) {
      if (BEING_DELIVERED.equals(e.getSQLState())) {
        throw new BeingDeliveredException(e);
      }
      throw e;
    }
  }

  /**
   * The latest {@code limit} attempts of a message from {@code delivery_attempts} (oldest first),
   * never content or recipient; empty when the table is not there or not readable.
   */
  public AttemptLog attempts(UUID id, int limit) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT attempt, state, claimed_at, lease_until, finished_at, error_message,"
                + " lease_until > clock_timestamp() AS live, count(*) OVER () AS total"
                + " FROM delivery_attempts WHERE message_id = ?"
                + " ORDER BY attempt_id DESC LIMIT ?")) {
      s.setObject(1, id);
      s.setInt(2, limit);
      List<AttemptView> rows = new ArrayList<>();
      long total = 0;
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          total = rs.getLong("total");
          rows.add(
              new AttemptView(
                  rs.getInt("attempt"),
                  rs.getString("state"),
                  instant(rs.getTimestamp("claimed_at")),
                  instant(rs.getTimestamp("lease_until")),
                  instant(rs.getTimestamp("finished_at")),
                  rs.getString("error_message"),
                  "in_flight".equals(rs.getString("state")) && rs.getBoolean("live")));
        }
      }
      Collections.reverse(rows);
      return new AttemptLog(true, total, rows);
    } catch (SQLException e) {
      if (NO_ATTEMPTS_LOG.contains(e.getSQLState())) {
        return new AttemptLog(false, 0, List.of());
      }
      throw e;
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
   * The {@code row_version} of each of these messages that is still {@code pending} (absent:
   * unknown id, or sent, failed or cancelled). A sender claims a release only while the row still
   * holds the released {@code row_version}, so this decides which replayed records would be sent
   * again.
   */
  public Map<UUID, Long> pendingVersions(Collection<UUID> ids) throws SQLException {
    Map<UUID, Long> versions = new HashMap<>();
    List<UUID> all = new ArrayList<>(ids);
    for (int from = 0; from < all.size(); from += VERSION_BATCH) {
      List<UUID> batch = all.subList(from, Math.min(all.size(), from + VERSION_BATCH));
      try (PreparedStatement s =
          connection.prepareStatement(
              "SELECT id, row_version FROM scheduled_messages WHERE id = ANY (?)"
                  + " AND status = 'pending'")) {
        s.setArray(1, connection.createArrayOf("uuid", batch.toArray()));
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            versions.put(rs.getObject(1, UUID.class), rs.getLong(2));
          }
        }
      }
    }
    return versions;
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
        rs.getString("error_message"),
        rs.getLong("row_version"),
        new ReceiptView(
            rs.getString("receipt_status"), rs.getString("delivered_at"), rs.getString("read_at")));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}

package org.schedmsg.sender.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import javax.sql.DataSource;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.serde.Json;

/** Rows of {@code scheduled_messages} for integration tests, written as the table owner. */
public final class MessageRows {
  /** The delivery columns of one row. */
  public record Row(
      String status,
      int attempts,
      Instant lastAttemptTime,
      Instant sentAt,
      Instant failedAt,
      Instant updatedAt,
      String errorMessage,
      JsonNode metadata) {

    public String platformMessageId() {
      return metadata == null || !metadata.hasNonNull("platform_message_id")
          ? null
          : metadata.get("platform_message_id").asText();
    }
  }

  private final DataSource owner;

  public MessageRows(DataSource owner) {
    this.owner = owner;
  }

  /**
   * Inserts a pending row and returns its first release, as the scheduler would publish it. {@code
   * scheduledTime} is cut to microseconds (PostgreSQL's precision).
   */
  public DeliveryRequest insertPending(
      Platform platform,
      String recipientId,
      String text,
      Instant scheduledTime,
      Integer windowSeconds,
      String metadataJson) {
    UUID id = UUID.randomUUID();
    Instant scheduled = scheduledTime.truncatedTo(ChronoUnit.MICROS);
    execute(
        "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
            + " scheduled_time, status, delivery_window_seconds, metadata)"
            + " VALUES (?, ?, ?, ?, ?, 'pending', ?, ?::jsonb)",
        id,
        recipientId,
        platform.id(),
        text,
        timestamp(scheduled),
        windowSeconds,
        metadataJson);
    return new DeliveryRequest(
        DeliveryRequest.SCHEMA_VERSION,
        id,
        platform,
        recipientId,
        text,
        null,
        null,
        json(metadataJson),
        5,
        0,
        scheduled,
        scheduled,
        windowSeconds == null ? null : scheduled.plusSeconds(windowSeconds),
        1L);
  }

  /**
   * Inserts a pending row with {@code recurrence_pattern = patternJson} and returns its first
   * release.
   */
  public DeliveryRequest insertRecurring(
      Platform platform, String recipientId, Instant scheduledTime, String patternJson) {
    DeliveryRequest request =
        insertPending(platform, recipientId, "recurring reminder", scheduledTime, 60, null);
    execute(
        "UPDATE scheduled_messages SET recurrence_pattern = ?::jsonb WHERE id = ?",
        patternJson,
        request.messageId());
    return TestRequests.withRowVersion(request, 2); // the UPDATE raised it
  }

  /**
   * Inserts a pending row with {@code recurrence_pattern = patternJson} and delivery window {@code
   * windowSeconds}, and returns its first release (row version 2: the pattern is set by an UPDATE).
   */
  public DeliveryRequest insertRecurring(
      Platform platform,
      String recipientId,
      Instant scheduledTime,
      int windowSeconds,
      String patternJson) {
    DeliveryRequest request =
        insertPending(
            platform, recipientId, "recurring reminder", scheduledTime, windowSeconds, null);
    execute(
        "UPDATE scheduled_messages SET recurrence_pattern = ?::jsonb WHERE id = ?",
        patternJson,
        request.messageId());
    return TestRequests.withRowVersion(request, 2);
  }

  /**
   * Inserts a pending template row ({@code template_key}, {@code parameters} as JSON text) and
   * returns its first release.
   */
  public DeliveryRequest insertTemplate(
      Platform platform,
      String recipientId,
      String text,
      Instant scheduledTime,
      Integer windowSeconds,
      String templateKey,
      String parametersJson) {
    UUID id = UUID.randomUUID();
    Instant scheduled = scheduledTime.truncatedTo(ChronoUnit.MICROS);
    execute(
        "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
            + " scheduled_time, status, delivery_window_seconds, template_key, parameters)"
            + " VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?::jsonb)",
        id,
        recipientId,
        platform.id(),
        text,
        timestamp(scheduled),
        windowSeconds,
        templateKey,
        parametersJson);
    return new DeliveryRequest(
        DeliveryRequest.SCHEMA_VERSION,
        id,
        platform,
        recipientId,
        text,
        templateKey,
        json(parametersJson),
        null,
        5,
        0,
        scheduled,
        scheduled,
        windowSeconds == null ? null : scheduled.plusSeconds(windowSeconds),
        1L);
  }

  /** An upstream edit of the row: new recipient and text (raises its row version). */
  public void edit(UUID id, String recipientId, String text) {
    execute(
        "UPDATE scheduled_messages SET recipient_id = ?, message_content = ? WHERE id = ?",
        recipientId,
        text,
        id);
  }

  /**
   * The upstream cancel, {@code UPDATE ... SET status = 'cancelled' WHERE status = 'pending'}: the
   * number of rows it changed. The driver's exception is thrown as is (its SQLSTATE matters).
   */
  public int cancelIfPending(UUID id) throws SQLException {
    try (Connection c = owner.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE scheduled_messages SET status = 'cancelled'"
                    + " WHERE id = ? AND status = 'pending'")) {
      ps.setObject(1, id);
      return ps.executeUpdate();
    }
  }

  /** The database's clock ({@code now()}), which decides claims. */
  public Instant databaseNow() {
    try (Connection c = owner.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT now()");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return instant(rs, 1);
    } catch (SQLException e) {
      throw new IllegalStateException("reading now() failed", e);
    }
  }

  /** One row of {@code delivery_attempts}. */
  public record Attempt(
      long attemptId,
      long rowVersion,
      int attempt,
      String platform,
      String state,
      Instant claimedAt,
      Instant leaseUntil,
      Instant finishedAt,
      String errorMessage) {}

  /** The attempts of message {@code id}, oldest first. */
  public java.util.List<Attempt> attempts(UUID id) {
    try (Connection c = owner.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT attempt_id, row_version, attempt, platform, state, claimed_at,"
                    + " lease_until, finished_at, error_message FROM delivery_attempts"
                    + " WHERE message_id = ? ORDER BY attempt_id")) {
      ps.setObject(1, id);
      java.util.List<Attempt> attempts = new java.util.ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          attempts.add(
              new Attempt(
                  rs.getLong(1),
                  rs.getLong(2),
                  rs.getInt(3),
                  rs.getString(4),
                  rs.getString(5),
                  instant(rs, 6),
                  instant(rs, 7),
                  instant(rs, 8),
                  rs.getString(9)));
        }
      }
      return attempts;
    } catch (SQLException e) {
      throw new IllegalStateException("reading attempts of " + id + " failed", e);
    }
  }

  /** Ends the lease of attempt {@code attemptId} now, as if its sender had died mid-send. */
  public void expireLease(long attemptId) {
    execute(
        "UPDATE delivery_attempts SET lease_until = now() - interval '1 second'"
            + " WHERE attempt_id = ?",
        attemptId);
  }

  /** The row's {@code scheduled_time}. */
  public Instant scheduledTime(UUID id) {
    try (Connection c = owner.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT scheduled_time FROM scheduled_messages WHERE id = ?")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("no row " + id);
        }
        return instant(rs, 1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading row " + id + " failed", e);
    }
  }

  /** A row's scheduled time and recurrence columns. */
  public record Recurring(
      UUID id,
      String status,
      Instant scheduledTime,
      int attempts,
      String pattern,
      JsonNode metadata) {}

  /** Every row except {@code firstId} whose {@code metadata.series_id} is {@code firstId}. */
  public java.util.List<Recurring> following(UUID firstId) {
    try (Connection c = owner.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, status, scheduled_time, attempts, recurrence_pattern::text,"
                    + " metadata::text FROM scheduled_messages WHERE metadata->>'series_id' = ?"
                    + " AND id <> ? ORDER BY scheduled_time")) {
      ps.setString(1, firstId.toString());
      ps.setObject(2, firstId);
      java.util.List<Recurring> rows = new java.util.ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new Recurring(
                  rs.getObject(1, UUID.class),
                  rs.getString(2),
                  instant(rs, 3),
                  rs.getInt(4),
                  rs.getString(5),
                  Json.mapper().readTree(rs.getString(6))));
        }
      }
      return rows;
    } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("reading series " + firstId + " failed", e);
    }
  }

  public Row read(UUID id) {
    try (Connection c = owner.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT status, attempts, last_attempt_time, sent_at, failed_at, updated_at,"
                    + " error_message, metadata::text FROM scheduled_messages WHERE id = ?")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("no row " + id);
        }
        String metadata = rs.getString(8);
        return new Row(
            rs.getString(1),
            rs.getInt(2),
            instant(rs, 3),
            instant(rs, 4),
            instant(rs, 5),
            instant(rs, 6),
            rs.getString(7),
            metadata == null ? null : Json.mapper().readTree(metadata));
      }
    } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("reading row " + id + " failed", e);
    }
  }

  private static JsonNode json(String text) {
    try {
      return text == null ? null : Json.mapper().readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("metadata is not JSON", e);
    }
  }

  /** The row's {@code row_version}. */
  public long rowVersion(UUID id) {
    try (Connection c = owner.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT row_version FROM scheduled_messages WHERE id = ?")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("no row " + id);
        }
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading row " + id + " failed", e);
    }
  }

  public void setStatus(UUID id, String status) {
    execute("UPDATE scheduled_messages SET status = ? WHERE id = ?", status, id);
  }

  public void reschedule(UUID id, Instant scheduledTime) {
    execute(
        "UPDATE scheduled_messages SET scheduled_time = ? WHERE id = ?",
        timestamp(scheduledTime),
        id);
  }

  private void execute(String sql, Object... values) {
    try (Connection c = owner.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        ps.setObject(i + 1, values[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("statement failed: " + sql, e);
    }
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}

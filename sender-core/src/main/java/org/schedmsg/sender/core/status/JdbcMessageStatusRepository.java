package org.schedmsg.sender.core.status;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.recurrence.InvalidRecurrenceException;
import org.schedmsg.sender.core.retry.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MessageStatusRepository} on JDBC: one compare-and-set {@code UPDATE} per call. The
 * terminal writes ({@code markSent}, {@code markFailed}, {@code expire}, {@code reject}) of a row
 * with a {@code recurrence_pattern} also insert the series' next occurrence in the same
 * transaction, and {@code claim} fails a row whose pattern cannot be read ({@code
 * invalid_recurrence:<reason>}) instead of taking it. Needs {@code SELECT}, {@code INSERT} and
 * {@code UPDATE (status, attempts, last_attempt_time, sent_at, failed_at, error_message, metadata,
 * updated_at)} on {@code scheduled_messages}.
 */
public final class JdbcMessageStatusRepository implements MessageStatusRepository {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcMessageStatusRepository.class);

  static final String EXPIRE =
      "UPDATE scheduled_messages SET status = 'failed', failed_at = ?, updated_at = ?,"
          + " error_message = ? WHERE id = ? AND status = 'pending' AND attempts = ?";
  static final String CLAIM =
      "UPDATE scheduled_messages SET attempts = attempts + 1, last_attempt_time = ?,"
          + " updated_at = ? WHERE id = ? AND status = 'pending' AND attempts = ?"
          + " AND scheduled_time = ?";
  static final String MARK_SENT =
      "UPDATE scheduled_messages SET status = 'sent', sent_at = ?, updated_at = ?,"
          + " error_message = NULL, metadata = coalesce(metadata, '{}'::jsonb)"
          + " || jsonb_build_object('platform_message_id', ?::text)"
          + " WHERE id = ? AND status = 'pending' AND attempts = ?";
  static final String MARK_FAILED =
      "UPDATE scheduled_messages SET status = 'failed', failed_at = ?, updated_at = ?,"
          + " error_message = ? WHERE id = ? AND status = 'pending' AND attempts = ?";
  static final String MARK_RETRYABLE =
      "UPDATE scheduled_messages SET updated_at = ?, error_message = ?"
          + " WHERE id = ? AND status = 'pending' AND attempts = ?";

  static final String RELEASE_CLAIM =
      "UPDATE scheduled_messages SET attempts = attempts - 1, updated_at = ?, error_message = ?"
          + " WHERE id = ? AND status = 'pending' AND attempts = ?";
  static final String CLAIM_RETURNING =
      CLAIM + " RETURNING scheduled_time, recurrence_pattern::text, metadata::text";
  static final String NOTE_INVALID_RECURRENCE =
      "UPDATE scheduled_messages SET error_message = ? WHERE id = ? AND status = 'failed'";
  static final String REJECT =
      "UPDATE scheduled_messages SET status = 'failed', failed_at = ?, updated_at = ?,"
          + " error_message = ? WHERE id = ? AND status = 'pending' AND attempts = ?"
          + " AND scheduled_time = ?";

  private final DataSource dataSource;

  public JdbcMessageStatusRepository(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public boolean expire(DeliveryRequest request, Instant now) {
    return terminal(
        "expire",
        EXPIRE,
        request.messageId(),
        RetryPolicy.DELIVERY_WINDOW_EXPIRED,
        now,
        ps -> {
          ps.setObject(1, timestamp(now));
          ps.setObject(2, timestamp(now));
          ps.setString(3, RetryPolicy.DELIVERY_WINDOW_EXPIRED);
          ps.setObject(4, request.messageId());
          ps.setInt(5, request.attempts());
        });
  }

  @Override
  public boolean claim(DeliveryRequest request, Instant now) {
    return inTransaction(
        "claim",
        request.messageId(),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(CLAIM_RETURNING)) {
            ps.setObject(1, timestamp(now));
            ps.setObject(2, timestamp(now));
            ps.setObject(3, request.messageId());
            ps.setInt(4, request.attempts());
            ps.setObject(5, timestamp(request.scheduledTime()));
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() && SeriesContinuation.claimable(c, request, rs, now);
            }
          }
        });
  }

  @Override
  public boolean markSent(
      DeliveryRequest request, int claimedAttempts, String platformMessageId, Instant now) {
    return terminal(
        "markSent",
        MARK_SENT,
        request.messageId(),
        null,
        now,
        finalBinder(now, platformMessageId, request.messageId(), claimedAttempts));
  }

  @Override
  public boolean markFailed(
      DeliveryRequest request, int claimedAttempts, String reason, Instant now) {
    return terminal(
        "markFailed",
        MARK_FAILED,
        request.messageId(),
        reason,
        now,
        finalBinder(now, truncate(reason), request.messageId(), claimedAttempts));
  }

  @Override
  public boolean markRetryable(
      DeliveryRequest request, int claimedAttempts, String reason, Instant now) {
    return update(
        "markRetryable",
        MARK_RETRYABLE,
        request.messageId(),
        pendingBinder(now, reason, request.messageId(), claimedAttempts));
  }

  @Override
  public boolean releaseClaim(
      DeliveryRequest request, int claimedAttempts, String reason, Instant now) {
    return update(
        "releaseClaim",
        RELEASE_CLAIM,
        request.messageId(),
        pendingBinder(now, reason, request.messageId(), claimedAttempts));
  }

  @Override
  public boolean reject(RejectedMessage rejection, Instant now) {
    return terminal(
        "reject",
        REJECT,
        rejection.messageId(),
        rejection.reason(),
        now,
        ps -> {
          finalBinder(now, truncate(rejection.reason()), rejection.messageId(), rejection.attempts())
              .bind(ps);
          ps.setObject(6, timestamp(rejection.scheduledTime()));
        });
  }

  /**
   * Parameters of a final write: the status time (1), {@code updated_at} (2), the text column (3:
   * platform message id or reason), then the compare-and-set on id (4) and attempts (5).
   */
  private static Binder finalBinder(Instant now, String text, UUID messageId, int attempts) {
    return ps -> {
      ps.setObject(1, timestamp(now));
      ps.setObject(2, timestamp(now));
      ps.setString(3, text);
      ps.setObject(4, messageId);
      ps.setInt(5, attempts);
    };
  }

  /** Parameters of a write that keeps the row pending: time, reason, then id and attempts. */
  private static Binder pendingBinder(Instant now, String reason, UUID messageId, int attempts) {
    return ps -> {
      ps.setObject(1, timestamp(now));
      ps.setString(2, truncate(reason));
      ps.setObject(3, messageId);
      ps.setInt(4, attempts);
    };
  }

  static String truncate(String reason) {
    return reason == null || reason.length() <= MAX_ERROR_MESSAGE_LENGTH
        ? reason
        : reason.substring(0, MAX_ERROR_MESSAGE_LENGTH);
  }

  /**
   * A terminal write: the compare-and-set {@code sql}, then, when it changed the row, the series'
   * next occurrence (unless {@code reason} ends the series), in one transaction.
   */
  private boolean terminal(
      String name, String sql, UUID messageId, String reason, Instant now, Binder binder) {
    return inTransaction(
        name,
        messageId,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql + SeriesContinuation.RETURNING)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return false;
              }
              continueSeries(c, rs, messageId, reason, now);
              return true;
            }
          }
        });
  }

  private static void continueSeries(
      Connection c, ResultSet row, UUID messageId, String reason, Instant now) throws SQLException {
    try {
      SeriesContinuation.insertNext(c, row, reason, now);
    } catch (InvalidRecurrenceException e) {
      LOG.warn(
          "message {}: recurrence_pattern cannot be used ({}); the series ends here",
          messageId,
          e.reason());
      try (PreparedStatement ps = c.prepareStatement(NOTE_INVALID_RECURRENCE)) {
        ps.setString(1, truncate(e.errorMessage()));
        ps.setObject(2, messageId);
        ps.executeUpdate();
      }
    }
  }

  private boolean inTransaction(String name, UUID messageId, Work work) {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        boolean changed = work.run(connection);
        connection.commit();
        return changed;
      } catch (SQLException | RuntimeException e) {
        rollback(connection, e);
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new StatusStoreException(
          name + " of message " + messageId + " failed (SQLState " + e.getSQLState() + ")", e);
    }
  }

  private static void rollback(Connection connection, Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private boolean update(String name, String sql, UUID messageId, Binder binder) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement ps = connection.prepareStatement(sql)) {
      binder.bind(ps);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StatusStoreException(
          name + " of message " + messageId + " failed (SQLState " + e.getSQLState() + ")", e);
    }
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  @FunctionalInterface
  private interface Work {
    boolean run(Connection connection) throws SQLException;
  }
}

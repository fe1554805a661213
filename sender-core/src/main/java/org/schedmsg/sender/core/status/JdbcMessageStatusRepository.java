package org.schedmsg.sender.core.status;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.sender.core.retry.RetryPolicy;

/**
 * {@link MessageStatusRepository} on JDBC: one autocommitted compare-and-set {@code UPDATE} per
 * call. Needs only {@code SELECT} and {@code UPDATE (status, attempts, last_attempt_time, sent_at,
 * failed_at, error_message, metadata, updated_at)} on {@code scheduled_messages}.
 */
public final class JdbcMessageStatusRepository implements MessageStatusRepository {
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
    return update(
        "expire",
        EXPIRE,
        request.messageId(),
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
    return update(
        "claim",
        CLAIM,
        request.messageId(),
        ps -> {
          ps.setObject(1, timestamp(now));
          ps.setObject(2, timestamp(now));
          ps.setObject(3, request.messageId());
          ps.setInt(4, request.attempts());
          ps.setObject(5, timestamp(request.scheduledTime()));
        });
  }

  @Override
  public boolean markSent(
      DeliveryRequest request, int claimedAttempts, String platformMessageId, Instant now) {
    return update(
        "markSent",
        MARK_SENT,
        request.messageId(),
        ps -> {
          ps.setObject(1, timestamp(now));
          ps.setObject(2, timestamp(now));
          ps.setString(3, platformMessageId);
          ps.setObject(4, request.messageId());
          ps.setInt(5, claimedAttempts);
        });
  }

  @Override
  public boolean markFailed(
      DeliveryRequest request, int claimedAttempts, String reason, Instant now) {
    return update(
        "markFailed",
        MARK_FAILED,
        request.messageId(),
        ps -> {
          ps.setObject(1, timestamp(now));
          ps.setObject(2, timestamp(now));
          ps.setString(3, truncate(reason));
          ps.setObject(4, request.messageId());
          ps.setInt(5, claimedAttempts);
        });
  }

  @Override
  public boolean markRetryable(
      DeliveryRequest request, int claimedAttempts, String reason, Instant now) {
    return update(
        "markRetryable",
        MARK_RETRYABLE,
        request.messageId(),
        ps -> {
          ps.setObject(1, timestamp(now));
          ps.setString(2, truncate(reason));
          ps.setObject(3, request.messageId());
          ps.setInt(4, claimedAttempts);
        });
  }

  @Override
  public boolean releaseClaim(
      DeliveryRequest request, int claimedAttempts, String reason, Instant now) {
    return update(
        "releaseClaim",
        RELEASE_CLAIM,
        request.messageId(),
        ps -> {
          ps.setObject(1, timestamp(now));
          ps.setString(2, truncate(reason));
          ps.setObject(3, request.messageId());
          ps.setInt(4, claimedAttempts);
        });
  }

  @Override
  public boolean reject(RejectedMessage rejection, Instant now) {
    return update(
        "reject",
        REJECT,
        rejection.messageId(),
        ps -> {
          ps.setObject(1, timestamp(now));
          ps.setObject(2, timestamp(now));
          ps.setString(3, truncate(rejection.reason()));
          ps.setObject(4, rejection.messageId());
          ps.setInt(5, rejection.attempts());
          ps.setObject(6, timestamp(rejection.scheduledTime()));
        });
  }

  static String truncate(String reason) {
    return reason == null || reason.length() <= MAX_ERROR_MESSAGE_LENGTH
        ? reason
        : reason.substring(0, MAX_ERROR_MESSAGE_LENGTH);
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
}

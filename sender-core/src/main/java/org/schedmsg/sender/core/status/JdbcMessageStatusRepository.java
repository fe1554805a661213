package org.schedmsg.sender.core.status;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
 * {@link MessageStatusRepository} on JDBC: one compare-and-set {@code UPDATE} per message, one
 * transaction per call (so {@code claimAll} and {@code applyAll} commit a whole batch once). The
 * terminal writes ({@code markSent}, {@code markFailed}, {@code expire}, {@code reject}) of a row
 * with a {@code recurrence_pattern} also insert the series' next occurrence in the same
 * transaction, and {@code claim} fails a row whose pattern cannot be read ({@code
 * invalid_recurrence:<reason>}) instead of taking it. Needs {@code SELECT}, {@code INSERT} and
 * {@code UPDATE (status, attempts, last_attempt_time, sent_at, failed_at, error_message, metadata,
 * updated_at)} on {@code scheduled_messages}.
 */
public final class JdbcMessageStatusRepository implements MessageStatusRepository {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcMessageStatusRepository.class);

  /*
   * Every write finds its row by primary key alone: the compare-and-set conditions are written
   * with IS NOT DISTINCT FROM (the columns are NOT NULL, so it means =), which no index serves.
   * With plain "=", a planner holding statistics from before a burst (thousands of pending rows
   * sharing one due instant) chose the pending index on scheduled_time and visited the whole
   * burst for every claim (ClaimPlanIT).
   */
  static final String EXPIRE =
      "UPDATE scheduled_messages SET status = 'failed', failed_at = ?, updated_at = ?,"
          + " error_message = ? WHERE id = ?"
          + " AND status IS NOT DISTINCT FROM 'pending' AND attempts IS NOT DISTINCT FROM ?";
  static final String CLAIM =
      "UPDATE scheduled_messages SET attempts = attempts + 1, last_attempt_time = ?,"
          + " updated_at = ? WHERE id = ?"
          + " AND status IS NOT DISTINCT FROM 'pending' AND attempts IS NOT DISTINCT FROM ?"
          + " AND scheduled_time IS NOT DISTINCT FROM ?";
  static final String MARK_SENT =
      "UPDATE scheduled_messages SET status = 'sent', sent_at = ?, updated_at = ?,"
          + " error_message = NULL, metadata = coalesce(metadata, '{}'::jsonb)"
          + " || jsonb_build_object('platform_message_id', ?::text)"
          + " WHERE id = ?"
          + " AND status IS NOT DISTINCT FROM 'pending' AND attempts IS NOT DISTINCT FROM ?";
  static final String MARK_FAILED =
      "UPDATE scheduled_messages SET status = 'failed', failed_at = ?, updated_at = ?,"
          + " error_message = ? WHERE id = ?"
          + " AND status IS NOT DISTINCT FROM 'pending' AND attempts IS NOT DISTINCT FROM ?";
  static final String MARK_RETRYABLE =
      "UPDATE scheduled_messages SET updated_at = ?, error_message = ?"
          + " WHERE id = ?"
          + " AND status IS NOT DISTINCT FROM 'pending' AND attempts IS NOT DISTINCT FROM ?";

  static final String RELEASE_CLAIM =
      "UPDATE scheduled_messages SET attempts = attempts - 1, updated_at = ?, error_message = ?"
          + " WHERE id = ?"
          + " AND status IS NOT DISTINCT FROM 'pending' AND attempts IS NOT DISTINCT FROM ?";
  static final String CLAIM_RETURNING =
      CLAIM + " RETURNING scheduled_time, recurrence_pattern::text, metadata::text";
  static final String NOTE_INVALID_RECURRENCE =
      "UPDATE scheduled_messages SET error_message = ? WHERE id = ? AND status = 'failed'";
  static final String REJECT =
      "UPDATE scheduled_messages SET status = 'failed', failed_at = ?, updated_at = ?,"
          + " error_message = ? WHERE id = ?"
          + " AND status IS NOT DISTINCT FROM 'pending' AND attempts IS NOT DISTINCT FROM ?"
          + " AND scheduled_time IS NOT DISTINCT FROM ?";

  private final DataSource dataSource;

  public JdbcMessageStatusRepository(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public boolean expire(DeliveryRequest request, Instant now) {
    return inTransaction("expire", request.messageId(), c -> expireOn(c, request, now));
  }

  @Override
  public boolean claim(DeliveryRequest request, Instant now) {
    return inTransaction("claim", request.messageId(), c -> claimOn(c, request, now));
  }

  /** Every claim in one transaction: one commit for the batch. */
  @Override
  public List<Boolean> claimAll(List<DeliveryRequest> requests, Instant now) {
    if (requests.isEmpty()) {
      return List.of();
    }
    return inTransaction(
        "claimAll",
        requests.get(0).messageId(),
        c -> {
          List<Boolean> claimed = new ArrayList<>(requests.size());
          for (DeliveryRequest request : requests) {
            claimed.add(claimOn(c, request, now));
          }
          return claimed;
        });
  }

  /** Every write in one transaction: one commit for the batch. */
  @Override
  public List<Boolean> applyAll(List<StatusWrite> writes) {
    if (writes.isEmpty()) {
      return List.of();
    }
    return inTransaction(
        "applyAll",
        writes.get(0).request().messageId(),
        c -> {
          List<Boolean> changed = new ArrayList<>(writes.size());
          for (StatusWrite write : writes) {
            changed.add(applyOn(c, write));
          }
          return changed;
        });
  }

  @Override
  public boolean markSent(
      DeliveryRequest request, int claimedAttempts, String platformMessageId, Instant now) {
    return apply(
        new StatusWrite(StatusWrite.Kind.SENT, request, claimedAttempts, platformMessageId, now));
  }

  @Override
  public boolean markFailed(
      DeliveryRequest request, int claimedAttempts, String reason, Instant now) {
    return apply(new StatusWrite(StatusWrite.Kind.FAILED, request, claimedAttempts, reason, now));
  }

  @Override
  public boolean markRetryable(
      DeliveryRequest request, int claimedAttempts, String reason, Instant now) {
    return apply(
        new StatusWrite(StatusWrite.Kind.RETRYABLE, request, claimedAttempts, reason, now));
  }

  @Override
  public boolean releaseClaim(
      DeliveryRequest request, int claimedAttempts, String reason, Instant now) {
    return apply(
        new StatusWrite(StatusWrite.Kind.RELEASE_CLAIM, request, claimedAttempts, reason, now));
  }

  @Override
  public boolean apply(StatusWrite write) {
    return inTransaction(name(write.kind()), write.request().messageId(), c -> applyOn(c, write));
  }

  @Override
  public boolean reject(RejectedMessage rejection, Instant now) {
    return inTransaction(
        "reject",
        rejection.messageId(),
        c ->
            terminalOn(
                c,
                REJECT,
                rejection.messageId(),
                rejection.reason(),
                now,
                ps -> {
                  finalBinder(
                          now,
                          truncate(rejection.reason()),
                          rejection.messageId(),
                          rejection.attempts())
                      .bind(ps);
                  ps.setObject(6, timestamp(rejection.scheduledTime()));
                }));
  }

  private static String name(StatusWrite.Kind kind) {
    return switch (kind) {
      case SENT -> "markSent";
      case FAILED -> "markFailed";
      case RETRYABLE -> "markRetryable";
      case RELEASE_CLAIM -> "releaseClaim";
    };
  }

  private static boolean expireOn(Connection c, DeliveryRequest request, Instant now)
      throws SQLException {
    return terminalOn(
        c,
        EXPIRE,
        request.messageId(),
        RetryPolicy.DELIVERY_WINDOW_EXPIRED,
        now,
        finalBinder(
            now, RetryPolicy.DELIVERY_WINDOW_EXPIRED, request.messageId(), request.attempts()));
  }

  private static boolean claimOn(Connection c, DeliveryRequest request, Instant now)
      throws SQLException {
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
  }

  private static boolean applyOn(Connection c, StatusWrite write) throws SQLException {
    Instant now = write.at();
    UUID id = write.request().messageId();
    int attempts = write.claimedAttempts();
    return switch (write.kind()) {
      case SENT ->
          terminalOn(c, MARK_SENT, id, null, now, finalBinder(now, write.text(), id, attempts));
      case FAILED ->
          terminalOn(
              c,
              MARK_FAILED,
              id,
              write.text(),
              now,
              finalBinder(now, truncate(write.text()), id, attempts));
      case RETRYABLE -> updateOn(c, MARK_RETRYABLE, pendingBinder(now, write.text(), id, attempts));
      case RELEASE_CLAIM ->
          updateOn(c, RELEASE_CLAIM, pendingBinder(now, write.text(), id, attempts));
    };
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
   * A terminal write on {@code c}: the compare-and-set {@code sql}, then, when it changed the row,
   * the series' next occurrence (unless {@code reason} ends the series), in the caller's
   * transaction.
   */
  private static boolean terminalOn(
      Connection c, String sql, UUID messageId, String reason, Instant now, Binder binder)
      throws SQLException {
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
  }

  private static boolean updateOn(Connection c, String sql, Binder binder) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      return ps.executeUpdate() == 1;
    }
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

  private <T> T inTransaction(String name, UUID messageId, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
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

  private static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }
}

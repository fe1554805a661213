package org.schedmsg.sender.core.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.serde.Json;
import org.schedmsg.recurrence.InvalidRecurrenceException;
import org.schedmsg.sender.core.retry.Decision;
import org.schedmsg.sender.core.retry.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MessageStatusRepository} on JDBC: one transaction per call. The claim locks the row
 * ({@code FOR NO KEY UPDATE}), decides by the database's clock and inserts an {@code in_flight}
 * attempt into {@code delivery_attempts} (outside the CDC publication: a claim causes no change
 * event); the outcome closes the attempt and writes the row in one transaction. Needs the grants of
 * {@code schedmsg_sender}: {@code SELECT} and {@code UPDATE (status, attempts, last_attempt_time,
 * sent_at, failed_at, error_message, metadata, updated_at)} on {@code scheduled_messages} (no
 * {@code INSERT}: a series' next occurrence goes through {@code schedmsg_insert_next_occurrence},
 * see {@link SeriesContinuation}), {@code SELECT, INSERT, UPDATE} on {@code delivery_attempts}. The
 * trigger of migration V14 keeps its writes to the delivery states (SQLSTATE {@code SM002}
 * otherwise).
 *
 * <p>Every write finds its row by primary key alone (the compare-and-set is on {@code row_version},
 * which no index holds): {@code ClaimPlanIT} asserts the plans.
 */
public final class JdbcMessageStatusRepository implements MessageStatusRepository {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcMessageStatusRepository.class);

  static final String STILL_CURRENT =
      "SELECT id, row_version FROM scheduled_messages WHERE id = ANY (?) AND status = 'pending'";

  /** The row, locked against concurrent writers and claimers until commit. */
  static final String LOCK_FOR_CLAIM =
      "SELECT row_version, status, platform, recipient_id, message_content, template_key,"
          + " parameters::text, jsonb_typeof(parameters), metadata::text, jsonb_typeof(metadata),"
          + " scheduled_time, delivery_window_seconds, attempts, recurrence_pattern::text,"
          + " priority, now() FROM scheduled_messages WHERE id = ? FOR NO KEY UPDATE";

  /**
   * The attempt in flight, read after the row lock is held: a statement of its own, so that a
   * claimer that waited for the lock sees the attempt the previous holder committed (a join in the
   * locking statement would see the snapshot from before the wait).
   */
  static final String IN_FLIGHT_ATTEMPT =
      "SELECT attempt_id, attempt, claimed_at, lease_until, row_version FROM delivery_attempts"
          + " WHERE message_id = ? AND state = 'in_flight'";

  /** No row back: another claim is in flight after all (the unique index decides). */
  static final String INSERT_ATTEMPT =
      "INSERT INTO delivery_attempts (message_id, row_version, attempt, platform, claimed_at,"
          + " lease_until, state) VALUES (?, ?, ?, ?, now(), now() + make_interval(secs => ?),"
          + " 'in_flight') ON CONFLICT (message_id) WHERE state = 'in_flight' DO NOTHING"
          + " RETURNING attempt_id, claimed_at";

  static final String CLOSE_ATTEMPT =
      "UPDATE delivery_attempts SET state = ?, finished_at = ?, error_message = ?"
          + " WHERE attempt_id = ? AND state = 'in_flight'";

  /** {@code metadata} as an object whatever it holds (a JSON null, array or scalar is dropped). */
  static final String METADATA_OBJECT =
      "(CASE WHEN jsonb_typeof(metadata) = 'object' THEN metadata ELSE '{}'::jsonb END)";

  static final String MARK_SENT =
      "UPDATE scheduled_messages SET status = 'sent', sent_at = ?, updated_at = ?,"
          + " attempts = attempts + 1, last_attempt_time = ?, error_message = NULL,"
          + " metadata = "
          + METADATA_OBJECT
          + " || jsonb_build_object('platform_message_id', ?::text)"
          + " WHERE id = ? AND row_version = ? AND status = 'pending'";
  static final String MARK_FAILED =
      "UPDATE scheduled_messages SET status = 'failed', failed_at = ?, updated_at = ?,"
          + " attempts = attempts + 1, last_attempt_time = ?, error_message = ?"
          + " WHERE id = ? AND row_version = ? AND status = 'pending'";
  static final String MARK_RETRYABLE =
      "UPDATE scheduled_messages SET updated_at = ?, attempts = attempts + 1,"
          + " last_attempt_time = ?, error_message = ?"
          + " WHERE id = ? AND row_version = ? AND status = 'pending'";

  /** A row failed without an attempt: expired, rejected, unusable. */
  static final String FAIL_UNATTEMPTED =
      "UPDATE scheduled_messages SET status = 'failed', failed_at = ?, updated_at = ?,"
          + " error_message = ? WHERE id = ? AND row_version = ? AND status = 'pending'";

  /** SQLSTATE of the trigger that refuses changes while an attempt is in flight (V9). */
  public static final String BEING_DELIVERED = "SM001";

  private final DataSource dataSource;
  private final Platform platform;

  public JdbcMessageStatusRepository(DataSource dataSource, Platform platform) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.platform = Objects.requireNonNull(platform, "platform");
  }

  @Override
  public Set<UUID> stillCurrent(Collection<DeliveryRequest> requests) {
    if (requests.isEmpty()) {
      return Set.of();
    }
    UUID first = requests.iterator().next().messageId();
    return inTransaction(
        "stillCurrent",
        first,
        c -> {
          Set<UUID> ids = new HashSet<>();
          for (DeliveryRequest r : requests) {
            ids.add(r.messageId());
          }
          Map<UUID, Long> pendingVersions = new HashMap<>();
          try (PreparedStatement ps = c.prepareStatement(STILL_CURRENT)) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                pendingVersions.put(rs.getObject(1, UUID.class), rs.getLong(2));
              }
            }
          }
          Set<UUID> result = new HashSet<>();
          for (DeliveryRequest r : requests) {
            Long version = pendingVersions.get(r.messageId());
            if (version != null && version == r.rowVersion()) {
              result.add(r.messageId());
            }
          }
          return result;
        });
  }

  @Override
  public Claim claim(DeliveryRequest request, Duration lease) {
    if (request.rowVersion() == ScheduledMessage.UNKNOWN_VERSION) {
      return new Claim.Refused(Claim.Refusal.UNVERSIONED);
    }
    return inTransaction("claim", request.messageId(), c -> claimOn(c, request, lease));
  }

  private Claim claimOn(Connection c, DeliveryRequest request, Duration lease) throws SQLException {
    UUID id = request.messageId();
    try (PreparedStatement ps = c.prepareStatement(LOCK_FOR_CLAIM)) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return new Claim.Refused(Claim.Refusal.STALE); // deleted
        }
        long version = rs.getLong(1);
        Instant dbNow = instant(rs, 16);
        Claim inFlight = inFlight(c, request, dbNow, rs);
        if (inFlight != null) {
          return inFlight;
        }
        if (version != request.rowVersion()
            || !"pending".equals(rs.getString(2))
            || !platform.id().equals(rs.getString(3))) {
          return new Claim.Refused(Claim.Refusal.STALE);
        }
        Instant scheduled = instant(rs, 11);
        if (scheduled.isAfter(dbNow)) {
          return new Claim.NotDue(Duration.between(dbNow, scheduled));
        }
        DeliveryRequest current = current(request, rs, version);
        if (current.isExpiredAt(dbNow)) { // the rule of RetryPolicy.isExpired, by the DB's clock
          return failUnattempted(c, id, version, RetryPolicy.DELIVERY_WINDOW_EXPIRED, dbNow)
              ? new Claim.Refused(Claim.Refusal.EXPIRED)
              : new Claim.Refused(Claim.Refusal.STALE);
        }
        String unusable = unusable(rs, id, scheduled);
        if (unusable != null) {
          LOG.warn("message {}: cannot be sent ({}); failed without sending", id, unusable);
          failUnattempted(c, id, version, unusable, dbNow);
          return new Claim.Refused(Claim.Refusal.UNUSABLE);
        }
        int attempt = rs.getInt(13) + 1;
        return insertAttempt(c, id, version, attempt, lease, current);
      }
    }
  }

  /**
   * {@link Claim.Refused} IN_FLIGHT while another attempt's lease runs, {@link Claim.Abandoned}
   * when it ran out (a sender died mid-send: its attempt is settled before anything else happens),
   * null when no attempt is in flight. {@code row} is the locked row.
   */
  private static Claim inFlight(Connection c, DeliveryRequest request, Instant dbNow, ResultSet row)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(IN_FLIGHT_ATTEMPT)) {
      ps.setObject(1, request.messageId());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        if (instant(rs, 4).isAfter(dbNow)) {
          return new Claim.Refused(Claim.Refusal.IN_FLIGHT);
        }
        // recorded against the version it claimed: if the row changed since, the change wins
        DeliveryRequest lost = current(request, row, rs.getLong(5));
        return new Claim.Abandoned(
            new Claim.Claimed(rs.getLong(1), rs.getInt(2), instant(rs, 3), lost));
      }
    }
  }

  /** The reason the locked row cannot be sent, or null. */
  private static String unusable(ResultSet rs, UUID id, Instant scheduled) throws SQLException {
    String metadataType = rs.getString(10);
    if (metadataType != null && !"object".equals(metadataType)) {
      return INVALID_METADATA;
    }
    String parametersType = rs.getString(8);
    if (parametersType != null
        && !"object".equals(parametersType)
        && !"array".equals(parametersType)) {
      return INVALID_PARAMETERS;
    }
    try {
      SeriesContinuation.validate(id, scheduled, rs.getString(14), rs.getString(9));
      return null;
    } catch (InvalidRecurrenceException e) {
      return e.errorMessage();
    }
  }

  private Claim insertAttempt(
      Connection c, UUID id, long version, int attempt, Duration lease, DeliveryRequest current)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT_ATTEMPT)) {
      ps.setObject(1, id);
      ps.setLong(2, version);
      ps.setInt(3, attempt);
      ps.setString(4, platform.id());
      ps.setDouble(5, lease.toMillis() / 1000.0);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return new Claim.Refused(Claim.Refusal.IN_FLIGHT);
        }
        return new Claim.Claimed(rs.getLong(1), attempt, instant(rs, 2), current);
      }
    }
  }

  /** {@code request} with the locked row's recipient, text, template, parameters, metadata. */
  private static DeliveryRequest current(DeliveryRequest request, ResultSet rs, long version)
      throws SQLException {
    Integer window = (Integer) rs.getObject(12);
    Instant scheduled = instant(rs, 11);
    return new DeliveryRequest(
        request.schemaVersion(),
        request.messageId(),
        request.platform(),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        json(rs.getString(7)),
        json(rs.getString(9)),
        rs.getInt(15),
        rs.getInt(13),
        scheduled,
        request.releasedAt(),
        window == null ? null : scheduled.plusSeconds(window),
        version);
  }

  @Override
  public boolean record(StatusWrite write) {
    return inTransaction(
        "record " + write.kind(), write.messageId(), c -> recordOn(c, write, true));
  }

  /**
   * {@link #record} without the frills that depend on row values (the series' next occurrence): for
   * a second try when the full write failed with an error that would repeat.
   */
  @Override
  public boolean recordPlain(StatusWrite write) {
    return inTransaction(
        "record " + write.kind(), write.messageId(), c -> recordOn(c, write, false));
  }

  private static boolean recordOn(Connection c, StatusWrite write, boolean continueSeries)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(CLOSE_ATTEMPT)) {
      ps.setString(1, write.attemptState());
      ps.setObject(2, timestamp(write.at()));
      ps.setString(3, write.kind() == Decision.Kind.SENT ? null : truncate(write.text()));
      ps.setLong(4, write.attemptId());
      if (ps.executeUpdate() != 1) {
        return false; // the attempt was settled by someone else (its lease ran out)
      }
    }
    Instant at = write.at();
    return switch (write.kind()) {
      case GIVE_BACK -> true;
      case SENT ->
          terminalOn(
              c, MARK_SENT, write.messageId(), null, at, continueSeries, attemptedBinder(write));
      case FAILED ->
          terminalOn(
              c,
              MARK_FAILED,
              write.messageId(),
              write.text(),
              at,
              continueSeries,
              attemptedBinder(write));
      case RETRYABLE -> {
        try (PreparedStatement ps = c.prepareStatement(MARK_RETRYABLE)) {
          ps.setObject(1, timestamp(at));
          ps.setObject(2, timestamp(write.claimedAt()));
          ps.setString(3, truncate(write.text()));
          ps.setObject(4, write.messageId());
          ps.setLong(5, write.rowVersion());
          yield ps.executeUpdate() == 1;
        }
      }
    };
  }

  /**
   * Parameters of {@link #MARK_SENT} and {@link #MARK_FAILED}: the status time (1), {@code
   * updated_at} (2), {@code last_attempt_time} (3), the platform message id or the reason (4), then
   * the compare-and-set on id (5) and row version (6).
   */
  private static Binder attemptedBinder(StatusWrite write) {
    return ps -> {
      ps.setObject(1, timestamp(write.at()));
      ps.setObject(2, timestamp(write.at()));
      ps.setObject(3, timestamp(write.claimedAt()));
      ps.setString(4, write.kind() == Decision.Kind.SENT ? write.text() : truncate(write.text()));
      ps.setObject(5, write.messageId());
      ps.setLong(6, write.rowVersion());
    };
  }

  @Override
  public boolean failUnusable(DeliveryRequest request, String reason, Instant now) {
    return inTransaction(
        "failUnusable",
        request.messageId(),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(FAIL_UNATTEMPTED)) {
            bindUnattempted(ps, request.messageId(), request.rowVersion(), reason, now);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean reject(RejectedMessage rejection, Instant now) {
    if (rejection.rowVersion() == ScheduledMessage.UNKNOWN_VERSION) {
      return false;
    }
    try {
      return inTransaction(
          "reject",
          rejection.messageId(),
          c ->
              failUnattempted(
                  c, rejection.messageId(), rejection.rowVersion(), rejection.reason(), now));
    } catch (StatusStoreException e) {
      if (BEING_DELIVERED.equals(e.sqlState())) {
        return false; // an attempt is in flight: its outcome decides, the rejection is stale
      }
      throw e;
    }
  }

  /** A terminal write without an attempt, and the series' next occurrence. */
  private static boolean failUnattempted(
      Connection c, UUID id, long version, String reason, Instant now) throws SQLException {
    return terminalOn(
        c,
        FAIL_UNATTEMPTED,
        id,
        reason,
        now,
        true,
        ps -> bindUnattempted(ps, id, version, reason, now));
  }

  private static void bindUnattempted(
      PreparedStatement ps, UUID id, long version, String reason, Instant now) throws SQLException {
    ps.setObject(1, timestamp(now));
    ps.setObject(2, timestamp(now));
    ps.setString(3, truncate(reason));
    ps.setObject(4, id);
    ps.setLong(5, version);
  }

  static String truncate(String reason) {
    return MessageStatusRepository.truncate(reason);
  }

  /**
   * A terminal write on {@code c}: the compare-and-set {@code sql}, then, when it changed the row,
   * the series' next occurrence (unless {@code reason} ends the series), in the caller's
   * transaction.
   */
  private static boolean terminalOn(
      Connection c,
      String sql,
      UUID messageId,
      String reason,
      Instant now,
      boolean continueSeries,
      Binder binder)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql + SeriesContinuation.RETURNING)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        if (continueSeries) {
          continueSeries(c, rs, messageId, reason, now);
        }
        return true;
      }
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

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private static JsonNode json(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("PostgreSQL returned JSONB that is not JSON", e);
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

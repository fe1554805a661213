package org.schedmsg.sender.whatsapp.receipt;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Receipts in the row, as the sender role ({@code schedmsg_sender}: UPDATE of {@code status},
 * {@code failed_at}, {@code error_message}, {@code metadata}, {@code updated_at}).
 *
 * <p>One {@code UPDATE} per receipt, guarded by {@code status = 'sent'} and the row's receipt rank
 * ({@code metadata.receipt_status}: none 0 < sent 1 < delivered 2 < read 3 < failed 4) being lower
 * than the receipt's. Under READ COMMITTED PostgreSQL re-checks that condition on the newest row
 * version when a concurrent receipt committed first, so concurrent, duplicate and out-of-order
 * receipts can only raise the rank: a late {@code delivered} never overwrites {@code read}. A
 * {@code failed} receipt turns the row {@code failed} with {@code whatsapp:<code>}; afterwards
 * {@code status} is no longer {@code sent} and nothing changes it. The lookup uses the expression
 * index of migration V11.
 */
public final class JdbcReceiptRepository implements ReceiptRepository {
  static final String RANK =
      "(CASE metadata->>'receipt_status' WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2"
          + " WHEN 'read' THEN 3 WHEN 'failed' THEN 4 ELSE 0 END)";

  static final String APPLY =
      "UPDATE scheduled_messages SET metadata = metadata || jsonb_strip_nulls(jsonb_build_object("
          + "'receipt_status', ?::text,"
          + " 'delivered_at', CASE WHEN ?::int IN (2, 3)"
          + " THEN COALESCE(metadata->>'delivered_at', ?::text) END,"
          + " 'read_at', CASE WHEN ?::int = 3 THEN ?::text END,"
          + " 'receipt_error_code', ?::int)),"
          + " status = CASE WHEN ?::int = 4 THEN 'failed' ELSE status END,"
          + " failed_at = CASE WHEN ?::int = 4 THEN ?::timestamptz ELSE failed_at END,"
          + " error_message = CASE WHEN ?::int = 4 THEN ?::text ELSE error_message END,"
          + " updated_at = ?"
          + " WHERE metadata->>'platform_message_id' = ? AND platform = 'whatsapp'"
          + " AND status = 'sent' AND "
          + RANK
          + " < ? RETURNING id";

  static final String FIND =
      "SELECT id FROM scheduled_messages"
          + " WHERE metadata->>'platform_message_id' = ? AND platform = 'whatsapp' LIMIT 1";

  private final DataSource dataSource;

  public JdbcReceiptRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Outcome apply(StatusUpdate update, Instant now) {
    try (Connection c = dataSource.getConnection()) {
      Optional<UUID> applied = update(c, update, now);
      if (applied.isPresent()) {
        return new Outcome(Result.APPLIED, applied);
      }
      Optional<UUID> known = find(c, update.wamid());
      return new Outcome(known.isPresent() ? Result.STALE : Result.UNKNOWN, known);
    } catch (SQLException e) {
      throw new ReceiptStoreException(
          "receipt not written (SQLSTATE " + e.getSQLState() + "); Meta will retry it", e);
    }
  }

  private static Optional<UUID> update(Connection c, StatusUpdate u, Instant now)
      throws SQLException {
    int rank = u.status().rank();
    String time = u.time().toString();
    try (PreparedStatement ps = c.prepareStatement(APPLY)) {
      ps.setString(1, u.status().id());
      ps.setInt(2, rank);
      ps.setString(3, time);
      ps.setInt(4, rank);
      ps.setString(5, time);
      if (u.status() == ReceiptStatus.FAILED && u.errorCode() != null) {
        ps.setInt(6, u.errorCode());
      } else {
        ps.setNull(6, Types.INTEGER);
      }
      ps.setInt(7, rank);
      ps.setInt(8, rank);
      ps.setObject(9, OffsetDateTime.ofInstant(u.time(), ZoneOffset.UTC));
      ps.setInt(10, rank);
      ps.setString(11, u.failureReason());
      ps.setObject(12, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      ps.setString(13, u.wamid());
      ps.setInt(14, rank);
      return single(ps);
    }
  }

  private static Optional<UUID> find(Connection c, String wamid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(FIND)) {
      ps.setString(1, wamid);
      return single(ps);
    }
  }

  private static Optional<UUID> single(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
    }
  }
}

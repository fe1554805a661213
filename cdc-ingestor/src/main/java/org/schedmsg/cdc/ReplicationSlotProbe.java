package org.schedmsg.cdc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.schedmsg.observability.DatabaseProbe;
import org.schedmsg.observability.HealthCheck;

/**
 * The ingestor's readiness probe of PostgreSQL: can it log in, and is its replication slot being
 * read right now ({@code pg_replication_slots.active}: a WAL sender serves the slot, which only
 * this ingestor's engine does)? The engine's own state cannot tell: while PostgreSQL is down,
 * Debezium restarts its connector inside the running task, forever, and the engine still looks like
 * it streams. Runs in the background ({@code OpsServer.withDependencyCheck}), on its own
 * short-lived connection, as the slot monitor does.
 */
final class ReplicationSlotProbe implements HealthCheck {
  /** The slot does not exist (dropped, or not yet created on a first start). */
  static final String SLOT_MISSING = "slot_missing";

  /** The slot exists but no WAL sender serves it: the engine is not reading changes. */
  static final String SLOT_INACTIVE = "slot_inactive";

  private static final String QUERY = "SELECT active FROM pg_replication_slots WHERE slot_name = ?";

  private final String jdbcUrl;
  private final Properties properties;
  private final String slotName;

  /** {@code password} may be null; it is never logged. */
  ReplicationSlotProbe(
      String jdbcUrl, String user, String password, String slotName, Duration timeout) {
    this.jdbcUrl = jdbcUrl;
    this.slotName = slotName;
    this.properties = new Properties();
    properties.setProperty("user", user);
    if (password != null) {
      properties.setProperty("password", password);
    }
    String seconds = String.valueOf(Math.max(1, timeout.toSeconds()));
    properties.setProperty("connectTimeout", seconds);
    properties.setProperty("socketTimeout", seconds);
    properties.setProperty("ApplicationName", "schedmsg-cdc-readiness");
  }

  @Override
  public String problem() {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, properties);
        PreparedStatement statement = connection.prepareStatement(QUERY)) {
      statement.setString(1, slotName);
      try (ResultSet rs = statement.executeQuery()) {
        if (!rs.next()) {
          return SLOT_MISSING;
        }
        return rs.getBoolean(1) ? null : SLOT_INACTIVE;
      }
    } catch (SQLException e) {
      return DatabaseProbe.problemOf(e);
    }
  }
}

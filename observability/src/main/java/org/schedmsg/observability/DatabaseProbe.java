package org.schedmsg.observability;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

/**
 * Probes PostgreSQL the way the service reaches it: opens (or borrows) a connection and asks the
 * server whether it is alive, bounded by a timeout. For {@link OpsServer#withDependencyCheck}; it
 * does I/O, so never register it with {@link OpsServer#withCheck}. Never reports the driver's
 * message (it can quote the URL or a value).
 */
public final class DatabaseProbe implements HealthCheck {
  /** No connection, or the server did not answer within the timeout. */
  public static final String UNREACHABLE = "database_unreachable";

  /** The server refused the login (SQLSTATE class 28). */
  public static final String AUTHENTICATION_FAILED = "database_authentication_failed";

  /** How the service gets a connection: its pool's {@code getConnection}, or a driver call. */
  @FunctionalInterface
  public interface Connections {
    Connection open() throws SQLException;
  }

  private final Connections connections;
  private final int timeoutSeconds;

  public DatabaseProbe(Connections connections, Duration timeout) {
    this.connections = Objects.requireNonNull(connections, "connections");
    this.timeoutSeconds = (int) Math.max(1, timeout.toSeconds());
  }

  @Override
  public String problem() {
    try (Connection connection = connections.open()) {
      return connection.isValid(timeoutSeconds) ? null : UNREACHABLE;
    } catch (SQLException e) {
      return problemOf(e);
    }
  }

  /**
   * The reason for a failed connection or query: {@value #AUTHENTICATION_FAILED} for a refused
   * login (SQLSTATE class 28), else {@value #UNREACHABLE}; never the driver's message.
   */
  public static String problemOf(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("28") ? AUTHENTICATION_FAILED : UNREACHABLE;
  }
}

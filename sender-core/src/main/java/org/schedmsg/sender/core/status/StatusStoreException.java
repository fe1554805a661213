package org.schedmsg.sender.core.status;

import java.sql.SQLException;
import java.util.Set;

/**
 * The status store (PostgreSQL) failed a read or a write. {@link #isTransient()} tells an outage
 * (lost connection, server shutting down, out of resources, a deadlock or serialization failure:
 * try again later) from an error that will repeat on every try (a constraint, a value the SQL
 * cannot handle, a missing grant): only the first is retried, never the second.
 */
public class StatusStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** SQLSTATE classes and codes that pass: connection, resources, operator intervention. */
  private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "53", "58");

  private static final Set<String> TRANSIENT_CODES =
      Set.of("40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03", "57P05");

  private final String sqlState;

  public StatusStoreException(String message, Throwable cause) {
    super(message, cause);
    this.sqlState = sqlStateOf(cause);
  }

  /** The SQLSTATE of the failure, or null when the driver gave none (an I/O failure). */
  public String sqlState() {
    return sqlState;
  }

  /** True for failures worth retrying: see the class comment. */
  public boolean isTransient() {
    return isTransient(sqlState);
  }

  static boolean isTransient(String sqlState) {
    if (sqlState == null || sqlState.length() != 5) {
      return true;
    }
    return TRANSIENT_CLASSES.contains(sqlState.substring(0, 2))
        || TRANSIENT_CODES.contains(sqlState);
  }

  private static String sqlStateOf(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }
}

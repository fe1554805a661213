package org.schedmsg.cdc.metrics;

import io.micrometer.core.instrument.Gauge;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the replication slot's position from {@code pg_replication_slots} every interval, on its
 * own short-lived connection, into two gauges: WAL the slot retains ({@code pg_current_wal_lsn() -
 * restart_lsn}) and WAL not yet confirmed ({@code pg_current_wal_lsn() - confirmed_flush_lsn}),
 * both in bytes; NaN while unknown (no slot yet, or the query failed).
 */
public final class SlotMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SlotMonitor.class);
  private static final String QUERY =
      "SELECT (pg_current_wal_lsn() - restart_lsn)::bigint,"
          + " (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint"
          + " FROM pg_replication_slots WHERE slot_name = ?";
  private static final SlotPosition UNKNOWN = new SlotPosition(Double.NaN, Double.NaN);

  private final String jdbcUrl;
  private final Properties credentials;
  private final String slotName;
  private final AtomicReference<SlotPosition> position = new AtomicReference<>(UNKNOWN);
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "cdc-ingestor-slot-monitor");
            thread.setDaemon(true);
            return thread;
          });

  private record SlotPosition(double retainedBytes, double unconfirmedBytes) {}

  /** {@code password} may be null; it is never logged. */
  public SlotMonitor(String jdbcUrl, String user, String password, String slotName) {
    this.jdbcUrl = jdbcUrl;
    this.slotName = slotName;
    this.credentials = new Properties();
    credentials.setProperty("user", user);
    if (password != null) {
      credentials.setProperty("password", password);
    }
  }

  /** Registers the gauges and reads the slot every {@code interval}, starting now. */
  public SlotMonitor start(CdcMetrics metrics, Duration interval) {
    Gauge.builder(CdcMetrics.SLOT_RETAINED_WAL, position, p -> p.get().retainedBytes())
        .description("WAL the replication slot keeps on the server (current LSN - restart_lsn)")
        .baseUnit("bytes")
        .tag("slot", slotName)
        .register(metrics.registry());
    Gauge.builder(CdcMetrics.SLOT_CONFIRMED_LAG, position, p -> p.get().unconfirmedBytes())
        .description("WAL written since the slot's confirmed_flush_lsn")
        .baseUnit("bytes")
        .tag("slot", slotName)
        .register(metrics.registry());
    scheduler.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Reads the slot once; keeps the loop alive whatever happens. */
  void refresh() {
    try {
      position.set(read());
    } catch (SQLException | RuntimeException e) {
      position.set(UNKNOWN);
      log.warn(
          "cannot read replication slot {} from pg_replication_slots ({}); retrying later",
          slotName,
          e.getMessage());
    }
  }

  private SlotPosition read() throws SQLException {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, credentials);
        PreparedStatement statement = connection.prepareStatement(QUERY)) {
      statement.setString(1, slotName);
      try (ResultSet rs = statement.executeQuery()) {
        if (!rs.next()) {
          return UNKNOWN;
        }
        return new SlotPosition(bytes(rs, 1), bytes(rs, 2));
      }
    }
  }

  /** A null LSN (an invalidated slot) is unknown, not zero. */
  private static double bytes(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? Double.NaN : value;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}

package org.schedmsg.bench;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Resource counters read before and after a run: committed transactions of the contestant's
 * database ({@code pg_stat_database.xact_commit}, which counts every client of that database,
 * including the workload's own inserts), the CPU time of this JVM process ({@code
 * com.sun.management.OperatingSystemMXBean#getProcessCpuTime}: the contestant, the broker, the fake
 * platform and the workload writer) and the CPU time of the PostgreSQL server ({@link
 * PostgresProcesses#cpuNanos()}; -1 when unreadable).
 */
final class ResourceMeter {
  /** One reading. */
  record Reading(long commits, long cpuNanos, long postgresCpuNanos, long wallNanos) {
    Reading minus(Reading before) {
      return new Reading(
          commits - before.commits,
          cpuNanos - before.cpuNanos,
          postgresCpuNanos < 0 || before.postgresCpuNanos < 0
              ? -1
              : postgresCpuNanos - before.postgresCpuNanos,
          wallNanos - before.wallNanos);
    }
  }

  private final DataSource owner;
  private final String database;
  private final Optional<PostgresProcesses> postgres;

  ResourceMeter(DataSource owner, String database, Optional<PostgresProcesses> postgres) {
    this.owner = owner;
    this.database = database;
    this.postgres = postgres;
  }

  Reading read() {
    return new Reading(
        commits(),
        processCpuNanos(),
        postgres.map(PostgresProcesses::cpuNanos).orElse(-1L),
        System.nanoTime());
  }

  private long commits() {
    try (Connection c = owner.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT xact_commit FROM pg_stat_database WHERE datname = ?")) {
      // PostgreSQL 15+ flushes other backends' counters at most once a second; the reading may
      // lag by up to that much, which is small against runs of tens of seconds.
      s.setString(1, database);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read pg_stat_database for " + database, e);
    }
  }

  private static long processCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean hotspot) {
      return hotspot.getProcessCpuTime();
    }
    return -1;
  }
}

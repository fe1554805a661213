package org.schedmsg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The PostgreSQL server's processes on Linux: the postmaster (the parent of any backend, found
 * through {@code pg_backend_pid()}) and its children, read from {@code /proc}.
 *
 * <p>{@link #rssBytes()} sums {@code VmRSS} over them: shared memory (shared buffers) is counted
 * once per process that touched it, so the sum overstates the server's footprint; it is the same
 * measure for every contestant. {@link #cpuNanos()} is the postmaster's user and system time
 * including its reaped children (exited backends) plus the live children's; {@code /proc} counts in
 * clock ticks, taken as {@value #TICKS_PER_SECOND} a second (Linux's USER_HZ).
 */
final class PostgresProcesses {
  static final long TICKS_PER_SECOND = 100;
  private final long postmaster;

  private PostgresProcesses(long postmaster) {
    this.postmaster = postmaster;
  }

  /** The server behind {@code anyDatabase}, or empty when /proc cannot tell (not Linux). */
  static Optional<PostgresProcesses> find(DataSource anyDatabase) {
    try (Connection c = anyDatabase.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      long[] stat = stat(rs.getLong(1));
      return stat == null ? Optional.empty() : Optional.of(new PostgresProcesses(stat[0]));
    } catch (SQLException e) {
      return Optional.empty();
    }
  }

  /** Summed resident set of the postmaster and its children, in bytes; -1 when unreadable. */
  long rssBytes() {
    long sum = 0;
    for (long pid : processes()) {
      sum += Math.max(0, rssKiB(pid)) * 1024;
    }
    return sum == 0 ? -1 : sum;
  }

  /** CPU time of the server so far (see the class comment); -1 when unreadable. */
  long cpuNanos() {
    long[] own = stat(postmaster);
    if (own == null) {
      return -1;
    }
    long ticks = own[1] + own[2] + own[3] + own[4];
    for (long child : children()) {
      long[] s = stat(child);
      if (s != null) {
        ticks += s[1] + s[2];
      }
    }
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }

  private List<Long> processes() {
    List<Long> all = new ArrayList<>(children());
    all.add(postmaster);
    return all;
  }

  /** The postmaster's children: /proc/pid/task/pid/children, else a scan of /proc. */
  private List<Long> children() {
    Path file =
        Path.of("/proc", Long.toString(postmaster), "task", Long.toString(postmaster), "children");
    try {
      List<Long> pids = new ArrayList<>();
      for (String pid : Files.readString(file).trim().split("\\s+")) {
        if (!pid.isEmpty()) {
          pids.add(Long.parseLong(pid));
        }
      }
      return pids;
    } catch (IOException | RuntimeException e) {
      return scanChildren();
    }
  }

  private List<Long> scanChildren() {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .map(p -> p.getFileName().toString())
          .filter(n -> n.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .filter(
              pid -> {
                long[] s = stat(pid);
                return s != null && s[0] == postmaster;
              })
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** {ppid, utime, stime, cutime, cstime} of {@code pid}, or null when it is gone. */
  static long[] stat(long pid) {
    try {
      String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name may hold spaces and parentheses: fields start after the last ')'
      String[] f = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
      return new long[] {
        Long.parseLong(f[1]),
        Long.parseLong(f[11]),
        Long.parseLong(f[12]),
        Long.parseLong(f[13]),
        Long.parseLong(f[14])
      };
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** A {@code kB} field (e.g. VmRSS, VmHWM) of /proc/pid/status, or -1. */
  static long statusKiB(String pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static long rssKiB(long pid) {
    return statusKiB(Long.toString(pid), "VmRSS");
  }
}

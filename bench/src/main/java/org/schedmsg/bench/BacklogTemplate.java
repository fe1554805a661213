package org.schedmsg.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.schedmsg.infra.postgres.LocalPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A far-future backlog built once per command: a template database migrated by the real
 * migrations and filled with {@code rows} pending rows (one {@code INSERT ... SELECT
 * generate_series}), due from three days ahead on, 10 ms apart, priorities 1, 5, 9 in turn, no
 * delivery window; then {@code VACUUM ANALYZE}. Each contestant's database is a file copy of it
 * ({@code CREATE DATABASE ... TEMPLATE ... STRATEGY FILE_COPY}), migrated again (a no-op) like
 * every bench database.
 */
final class BacklogTemplate {
  private static final Logger log = LoggerFactory.getLogger(BacklogTemplate.class);
  static final String TEMPLATE = "bench_backlog_template";
  static final long FIRST_RECIPIENT = 9_000_000_000L;

  private final LocalPostgres postgres;
  private final long rows;
  private boolean built;

  BacklogTemplate(LocalPostgres postgres, long rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("--backlog must be at least 1");
    }
    this.postgres = postgres;
    this.rows = rows;
  }

  long rows() {
    return rows;
  }

  /** Creates {@code database} as a copy of the template (built on first use). */
  synchronized void cloneAs(String database) {
    if (!built) {
      build();
      built = true;
    }
    execute("postgres", "CREATE DATABASE " + database + " TEMPLATE " + TEMPLATE + " STRATEGY FILE_COPY");
    postgres.prepareDatabase(database);
  }

  private void build() {
    long t0 = System.nanoTime();
    execute("postgres", "DROP DATABASE IF EXISTS " + TEMPLATE);
    postgres.prepareDatabase(TEMPLATE);
    execute(
        TEMPLATE,
        "INSERT INTO scheduled_messages (" + MessageWriter.COLUMNS + ")"
            + " SELECT gen_random_uuid(), (" + FIRST_RECIPIENT + " + g)::text, 'telegram', '"
            + MessageWriter.TEXT + "', now() + interval '3 days' + g * interval '10 milliseconds',"
            + " 'pending', (ARRAY[1, 5, 9])[g % 3 + 1], NULL"
            + " FROM generate_series(1, " + rows + ") AS g");
    execute(TEMPLATE, "VACUUM ANALYZE scheduled_messages");
    log.info("backlog template of {} rows built in {} s", rows, (System.nanoTime() - t0) / 1_000_000_000);
  }

  private void execute(String database, String sql) {
    try (Connection c = postgres.ownerDataSource(database).getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("backlog template: " + e.getMessage(), e);
    }
  }
}

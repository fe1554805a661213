package org.schedmsg.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.schedmsg.infra.postgres.LocalPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A far-future backlog built once per command: a template database migrated by the real migrations
 * and filled with {@code rows} pending rows (one {@code INSERT ... SELECT generate_series}), due
 * from three days ahead on, 10 ms apart, priorities 1, 5, 9 in turn, no delivery window; then
 * {@code VACUUM ANALYZE}. Each contestant's database is a file copy of it ({@code CREATE DATABASE
 * ... TEMPLATE ... STRATEGY FILE_COPY}), migrated again (a no-op) like every bench database.
 *
 * <p>db-scheduler keeps its own table of executions, which its trigger fills at insert time (see
 * {@link DbSchedulerContestant}); a db-scheduler installation with this backlog would hold one
 * execution per pending row. Its contestants therefore get a copy of a second template: the first
 * plus db-scheduler's table, trigger and one execution per backlog row, mapped as the trigger maps
 * them.
 */
final class BacklogTemplate {
  private static final Logger log = LoggerFactory.getLogger(BacklogTemplate.class);
  static final String TEMPLATE = "bench_backlog_template";
  static final String DB_SCHEDULER_TEMPLATE = "bench_backlog_template_dbs";
  static final long FIRST_RECIPIENT = 9_000_000_000L;

  private final LocalPostgres postgres;
  private final long rows;
  private boolean built;
  private boolean dbSchedulerBuilt;

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

  /**
   * Creates {@code database} as a copy of the template (built on first use); with db-scheduler's
   * executions of the backlog when {@code forDbScheduler}.
   */
  synchronized void cloneAs(String database, boolean forDbScheduler) {
    if (!built) {
      build();
      built = true;
    }
    if (forDbScheduler && !dbSchedulerBuilt) {
      buildDbScheduler();
      dbSchedulerBuilt = true;
    }
    String template = forDbScheduler ? DB_SCHEDULER_TEMPLATE : TEMPLATE;
    execute(
        "postgres",
        "CREATE DATABASE " + database + " TEMPLATE " + template + " STRATEGY FILE_COPY");
    postgres.prepareDatabase(database);
  }

  private void buildDbScheduler() {
    long t0 = System.nanoTime();
    execute("postgres", "DROP DATABASE IF EXISTS " + DB_SCHEDULER_TEMPLATE);
    execute(
        "postgres",
        "CREATE DATABASE "
            + DB_SCHEDULER_TEMPLATE
            + " TEMPLATE "
            + TEMPLATE
            + " STRATEGY FILE_COPY");
    DbSchedulerContestant.installSchema(postgres.ownerDataSource(DB_SCHEDULER_TEMPLATE));
    execute(
        DB_SCHEDULER_TEMPLATE,
        "INSERT INTO scheduled_tasks (task_name, task_instance, task_data, execution_time,"
            + " picked, version, priority)"
            + " SELECT '"
            + DbSchedulerContestant.TASK_NAME
            + "', id::text, NULL, scheduled_time,"
            + " false, 1, (10 - priority) * 10 FROM scheduled_messages WHERE status = 'pending'"
            + " ON CONFLICT DO NOTHING");
    execute(DB_SCHEDULER_TEMPLATE, "VACUUM ANALYZE scheduled_tasks");
    log.info(
        "db-scheduler backlog template built in {} s", (System.nanoTime() - t0) / 1_000_000_000);
  }

  private void build() {
    long t0 = System.nanoTime();
    execute("postgres", "DROP DATABASE IF EXISTS " + TEMPLATE);
    postgres.prepareDatabase(TEMPLATE);
    execute(
        TEMPLATE,
        "INSERT INTO scheduled_messages ("
            + MessageWriter.COLUMNS
            + ")"
            + " SELECT gen_random_uuid(), ("
            + FIRST_RECIPIENT
            + " + g)::text, 'telegram', '"
            + MessageWriter.TEXT
            + "', now() + interval '3 days' + g * interval '10 milliseconds',"
            + " 'pending', (ARRAY[1, 5, 9])[g % 3 + 1], NULL"
            + " FROM generate_series(1, "
            + rows
            + ") AS g");
    execute(TEMPLATE, "VACUUM ANALYZE scheduled_messages");
    log.info(
        "backlog template of {} rows built in {} s",
        rows,
        (System.nanoTime() - t0) / 1_000_000_000);
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

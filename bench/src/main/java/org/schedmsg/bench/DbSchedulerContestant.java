package org.schedmsg.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * db-scheduler ({@code com.github.kagkarlsson:db-scheduler} 16.x) as a peer, in two variants: tuned
 * as its documentation recommends for throughput and latency ({@value #NAME_TUNED}) and with the
 * library's defaults ({@value #NAME_DEFAULT}).
 *
 * <h2>How rows reach it</h2>
 *
 * Upstream services only INSERT into {@code scheduled_messages}; the workload writer is the same
 * for every contestant. On start this contestant creates db-scheduler's own table {@code
 * scheduled_tasks} (its documented PostgreSQL DDL, {@code db-scheduler/postgresql_tables.sql}) and
 * an {@code AFTER INSERT} trigger on {@code scheduled_messages} that adds one execution of the
 * one-time task {@value #TASK_NAME} per pending row, in the upstream insert's own transaction: the
 * row a db-scheduler user would get from {@code SchedulerClient.schedule} called in their
 * transaction (task instance = the message id, execution time = {@code scheduled_time}, not picked,
 * version 1, no task data). Our priority (1 most urgent .. 9 bulk) becomes db-scheduler's {@code
 * (10 - priority) * 10}: 90, 50, 10 for 1, 5, 9 (its {@code Priority.HIGH}, {@code MEDIUM}, {@code
 * LOW}), since db-scheduler fetches due executions {@code ORDER BY priority DESC, execution_time
 * ASC} (the higher value runs first; see {@code Queries.ansiSqlOrderPart} and the README on {@code
 * enablePriority()}). The default variant does not enable priority and so ignores the column.
 *
 * <h2>The execution handler</h2>
 *
 * Records the release, reads the row (recipient, text, status) and, if it is still pending, waits
 * for the shared {@link PlatformPacer}, sends it through {@link TelegramSend} and marks it {@code
 * sent} exactly as {@link SkipLockedPoller} does, the read and the update in one transaction (one
 * durable commit). db-scheduler then deletes the execution (its own commit). A send the platform
 * does not accept throws, so the task's failure handler retries it.
 *
 * <h2>The tuned settings, and why</h2>
 *
 * <ul>
 *   <li><b>{@code pollUsingLockAndFetch(}{@value #LOWER_LIMIT_FRACTION_OF_THREADS}{@code , }{@value
 *       #UPPER_LIMIT_FRACTION_OF_THREADS}{@code )}</b>: the README recommends the {@code
 *       lock-and-fetch} strategy ({@code SELECT ... FOR UPDATE SKIP LOCKED}, supported on
 *       PostgreSQL) above ~1,000 executions/s: executions come back already picked, so per batch it
 *       runs 1 select-and-update plus 1 statement per execution when it finishes, where the default
 *       {@code fetch-and-lock-on-execute} runs 1 select plus 2 per execution (pick, finish). The
 *       fractions are the README's "high throughput (keep threads busy)" example: up to 4 x threads
 *       = 80 executions picked and queued in memory, refetched once 20 or fewer are left. That
 *       queue is 27 ms of sending at 3,000 msg/s (160 ms at the harness's default 500/s), so it
 *       cannot hold a newly due urgent message back for long, and far below the 4 x heartbeat
 *       interval (20 min) after which queued, un-heartbeated executions would be declared dead.
 *   <li><b>{@code pollingInterval(}100 ms{@code )}</b>: the README notes that db-scheduler's
 *       precision depends on the polling interval (default 10 s): an execution that falls due while
 *       it is idle waits up to one interval. 100 ms is what the {@code poller} contestant uses.
 *       Under a backlog the interval does not matter: after a full batch the scheduler fetches
 *       again as soon as its queue runs low.
 *   <li><b>{@code enablePriority()}</b>: our priorities must decide which due message goes first;
 *       the documented {@code (priority DESC, execution_time ASC)} index is created with the table.
 *   <li><b>{@code threads(}{@value #THREADS}{@code )}</b>: an execution holds its thread while it
 *       waits, not while it computes: two statements and a durable commit ({@code fsync} on) for
 *       our read and update, the HTTP round trip to the platform, then db-scheduler's own DELETE
 *       with a second durable commit. A durable commit took ~0.6 ms on this machine, so an
 *       execution takes ~2-3 ms when the machine is quiet and several times that when it is shared
 *       (load average 7-18 on its 2 cores during the trials). By Little's law a few thousand msg/s
 *       then need rate x time = ~6-25 executions in flight; 20 covers the loaded case. Waiting
 *       threads cost no CPU, so the 2 cores do not bound the count; the database's commits do
 *       (concurrent commits share an {@code fsync}). 20 is also the thread count per 2-core VM of
 *       the lock-and-fetch runs in db-scheduler's documented benchmark (~2,600 executions/s per
 *       instance). More threads would add connections, context switches on 2 shared cores and a
 *       longer picked queue without more throughput. The connection pool has {@value
 *       #EXTRA_CONNECTIONS} connections more than threads, for the polling thread and the
 *       housekeeper (heartbeats, dead-execution detection).
 *   <li>A failed send is retried after {@code 1 s} (the library retries one-time tasks after 5
 *       min); the benchmark's platform never fails.
 * </ul>
 *
 * <h2>The default variant</h2>
 *
 * {@code Scheduler.create(dataSource, task).build()}: 10 threads, 10 s polling interval, {@code
 * fetch-and-lock-on-execute} (0.5, 3.0), no priority, the one-time task's default failure handling.
 * The only thing it gets beyond that is what it needs to run at all: the table, the trigger and a
 * pooled {@link DataSource} ({@value #DEFAULT_THREADS} + {@value #EXTRA_CONNECTIONS} connections;
 * the arena's owner data source opens a new server connection per call, which no user would hand a
 * scheduler).
 *
 * <p>Message content and recipient ids are never logged; message ids may be.
 */
final class DbSchedulerContestant implements Contestant {
  static final String NAME_TUNED = "db-scheduler";
  static final String NAME_DEFAULT = "db-scheduler-default";

  /** The one-time task every message is an execution of. */
  static final String TASK_NAME = "send-scheduled-message";

  static final int THREADS = 20;
  static final Duration POLLING_INTERVAL = Duration.ofMillis(100);
  static final double LOWER_LIMIT_FRACTION_OF_THREADS = 1.0;
  static final double UPPER_LIMIT_FRACTION_OF_THREADS = 4.0;
  static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  /** The library's default thread count (README: {@code .threads(int)}, default 10). */
  static final int DEFAULT_THREADS = 10;

  /** Connections beyond the execution threads: the polling thread and the housekeeper. */
  static final int EXTRA_CONNECTIONS = 4;

  static final String TABLES_RESOURCE = "/db-scheduler/postgresql_tables.sql";

  private static final Logger log = LoggerFactory.getLogger(DbSchedulerContestant.class);

  private static final String STAGING_TRIGGER =
      "CREATE OR REPLACE FUNCTION bench_db_scheduler_stage_execution() RETURNS trigger"
          + " LANGUAGE plpgsql AS $fn$\n"
          + "BEGIN\n"
          + "  INSERT INTO scheduled_tasks (task_name, task_instance, task_data, execution_time,"
          + " picked, version, priority)\n"
          + "  VALUES ('"
          + TASK_NAME
          + "', NEW.id::text, NULL, NEW.scheduled_time, false, 1,"
          + " (10 - NEW.priority) * 10);\n"
          + "  RETURN NULL;\n"
          + "END\n"
          + "$fn$;\n"
          + "CREATE OR REPLACE TRIGGER scheduled_messages_stage_db_scheduler"
          + " AFTER INSERT ON scheduled_messages FOR EACH ROW"
          + " WHEN (NEW.status = 'pending')"
          + " EXECUTE FUNCTION bench_db_scheduler_stage_execution()";

  private static final String READ =
      "SELECT recipient_id, message_content, status FROM scheduled_messages WHERE id = ?";
  private static final String MARK_SENT =
      "UPDATE scheduled_messages SET status = 'sent', sent_at = now(), attempts = attempts + 1,"
          + " last_attempt_time = now(), updated_at = now() WHERE id = ? AND status = 'pending'";

  private final String name;
  private final boolean tuned;

  private DbSchedulerContestant(String name, boolean tuned) {
    this.name = name;
    this.tuned = tuned;
  }

  /** db-scheduler as its documentation recommends for throughput and latency. */
  static DbSchedulerContestant tuned() {
    return new DbSchedulerContestant(NAME_TUNED, true);
  }

  /** db-scheduler with the library's defaults. */
  static DbSchedulerContestant defaults() {
    return new DbSchedulerContestant(NAME_DEFAULT, false);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public AutoCloseable start(Arena arena) {
    installSchema(arena.owner());
    int threads = tuned ? THREADS : DEFAULT_THREADS;
    HikariDataSource pool = pool(arena.owner(), threads + EXTRA_CONNECTIONS);
    try {
      Handler handler =
          new Handler(
              pool,
              arena.releases(),
              new PlatformPacer(arena.messagesPerSecond()),
              new TelegramSend(arena.telegramBaseUrl(), arena.telegramToken()));
      Scheduler scheduler = tuned ? tunedScheduler(pool, handler) : defaultScheduler(pool, handler);
      scheduler.start();
      if (!scheduler.getSchedulerState().isStarted()) {
        throw new IllegalStateException(name + " did not start");
      }
      log.info(
          "{} started: {} threads, {}",
          name,
          threads,
          tuned
              ? "lock-and-fetch, polling every " + POLLING_INTERVAL.toMillis() + " ms, priority on"
              : "library defaults");
      return () -> {
        try {
          scheduler.stop();
        } finally {
          pool.close();
        }
      };
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private static Scheduler tunedScheduler(DataSource pool, Handler handler) {
    OneTimeTask<Void> task =
        Tasks.oneTime(TASK_NAME)
            .onFailure(new FailureHandler.OnFailureRetryLater<>(RETRY_DELAY))
            .execute((instance, context) -> handler.deliver(instance.getId()));
    return Scheduler.create(pool, task)
        .threads(THREADS)
        .pollingInterval(POLLING_INTERVAL)
        .pollUsingLockAndFetch(LOWER_LIMIT_FRACTION_OF_THREADS, UPPER_LIMIT_FRACTION_OF_THREADS)
        .enablePriority()
        .build();
  }

  private static Scheduler defaultScheduler(DataSource pool, Handler handler) {
    OneTimeTask<Void> task =
        Tasks.oneTime(TASK_NAME).execute((instance, context) -> handler.deliver(instance.getId()));
    return Scheduler.create(pool, task).build();
  }

  /**
   * Creates db-scheduler's table and the trigger that stages one execution per inserted pending
   * message, in one transaction on {@code owner} (the table owner). Idempotent.
   */
  static void installSchema(DataSource owner) {
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute(tablesDdl());
      s.execute(STAGING_TRIGGER);
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create db-scheduler's table and trigger", e);
    }
  }

  private static String tablesDdl() {
    try (InputStream in = DbSchedulerContestant.class.getResourceAsStream(TABLES_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(TABLES_RESOURCE + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HikariDataSource pool(DataSource owner, int size) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(owner);
    config.setPoolName("db-scheduler-bench");
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    return new HikariDataSource(config);
  }

  /** What db-scheduler runs for each due execution. */
  static final class Handler {
    private final DataSource dataSource;
    private final ReleaseLog releases;
    private final PlatformPacer pacer;
    private final TelegramSend platform;

    Handler(
        DataSource dataSource, ReleaseLog releases, PlatformPacer pacer, TelegramSend platform) {
      this.dataSource = dataSource;
      this.releases = releases;
      this.pacer = pacer;
      this.platform = platform;
    }

    /**
     * Delivers the message whose id is the task instance. Returns normally when it was sent or is
     * no longer pending; throws when it must be retried.
     */
    void deliver(String taskInstance) {
      UUID id = UUID.fromString(taskInstance);
      releases.released(id, Instant.now());
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          deliver(c, id);
          c.commit();
        } catch (SQLException | IOException | InterruptedException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeliveryFailed(id, "interrupted");
      } catch (IOException e) {
        // no cause attached: I/O messages may carry the endpoint, whose path holds the bot token
        throw new DeliveryFailed(id, "not sent (" + e.getClass().getSimpleName() + ")");
      } catch (SQLException e) {
        // no cause attached: server messages may quote the row (recipient, content)
        throw new DeliveryFailed(id, "database error, SQLState " + e.getSQLState());
      }
    }

    private void deliver(Connection c, UUID id)
        throws SQLException, IOException, InterruptedException {
      String recipient;
      String text;
      try (PreparedStatement read = c.prepareStatement(READ)) {
        read.setObject(1, id);
        try (ResultSet rs = read.executeQuery()) {
          if (!rs.next() || !"pending".equals(rs.getString(3))) {
            return; // gone, cancelled or already finished: nothing to send
          }
          recipient = rs.getString(1);
          text = rs.getString(2);
        }
      }
      pacer.acquire();
      if (!platform.send(recipient, text)) {
        throw new DeliveryFailed(id, "not accepted by the platform");
      }
      try (PreparedStatement mark = c.prepareStatement(MARK_SENT)) {
        mark.setObject(1, id);
        mark.executeUpdate();
      }
    }
  }

  /**
   * Makes db-scheduler's failure handler retry the execution. Carries the message id and the kind
   * of failure only, never a cause whose text could hold message content, recipients or the token.
   */
  static final class DeliveryFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeliveryFailed(UUID id, String why) {
      super("message " + id + ": " + why);
    }
  }
}

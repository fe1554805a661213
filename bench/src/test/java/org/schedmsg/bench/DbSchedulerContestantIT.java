package org.schedmsg.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.schedmsg.infra.postgres.LocalPostgres;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.sandbox.ReceivedRequest;

/**
 * Both db-scheduler variants on the real embedded PostgreSQL (the real migrations) and a real fake
 * Telegram platform: rows reach db-scheduler only through the upstream INSERT (the staging
 * trigger), and every message is delivered once, never before its scheduled time.
 */
class DbSchedulerContestantIT {
  private static final String TOKEN = "db-scheduler-it-token";
  private static final int PLATFORM_RATE = 500;
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static final AtomicInteger RECIPIENTS = new AtomicInteger(700_000_000);

  private static LocalPostgres postgres;

  @BeforeAll
  static void startPostgres() {
    BenchMain.tuneFakePlatformSockets();
    postgres = LocalPostgres.start(0, null);
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void shouldStageOneExecutionPerPendingRowWithMappedPriorityWhenUpstreamInserts()
      throws Exception {
    DataSource owner = freshDatabase();
    DbSchedulerContestant.installSchema(owner);
    Instant due = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
    List<PlannedMessage> planned = messages(3, due);
    try (Connection c = owner.getConnection()) {
      MessageWriter.insertMany(c, planned); // an online service's INSERT
    }

    try (Connection c = owner.getConnection();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT task_name, execution_time, picked, version, priority, task_data"
                    + " FROM scheduled_tasks WHERE task_instance = ?")) {
      for (PlannedMessage m : planned) {
        q.setString(1, m.id().toString());
        try (ResultSet rs = q.executeQuery()) {
          assertThat(rs.next()).as("execution of priority %d", m.priority()).isTrue();
          assertThat(rs.getString("task_name")).isEqualTo(DbSchedulerContestant.TASK_NAME);
          assertThat(rs.getObject("execution_time", OffsetDateTime.class).toInstant())
              .isEqualTo(due);
          assertThat(rs.getBoolean("picked")).isFalse();
          assertThat(rs.getLong("version")).isEqualTo(1L);
          assertThat(rs.getInt("priority")).isEqualTo((10 - m.priority()) * 10);
          assertThat(rs.getBytes("task_data")).isNull();
          assertThat(rs.next()).isFalse();
        }
      }
    }
    // the execution belongs to the upstream transaction: a rolled-back insert stages nothing
    try (Connection c = owner.getConnection()) {
      c.setAutoCommit(false);
      MessageWriter.insertMany(c, messages(1, due));
      c.rollback();
    }
    assertThat(count(owner, "SELECT count(*) FROM scheduled_tasks")).isEqualTo(3);
  }

  @Test
  void shouldDeliverEveryMessageOnceAndNeverEarlyWhenTunedVariantRunsMixedPriorities()
      throws Exception {
    DataSource owner = freshDatabase();
    try (FakeTelegramServer platform = FakeTelegramServer.start(0, TOKEN)) {
      Arena arena = arena(owner, platform);
      Contestant contestant = DbSchedulerContestant.tuned();
      assertThat(contestant.name()).isEqualTo(DbSchedulerContestant.NAME_TUNED);
      Instant due = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
      List<PlannedMessage> planned = messages(60, due);

      try (AutoCloseable running = contestant.start(arena)) {
        MessageWriter.copy(owner, planned, 1000); // a batch job's COPY: row triggers fire too
        awaitUntil(
            Duration.ofSeconds(60),
            "60 messages received, sent and their executions completed",
            () ->
                platform.requests().size() >= 60
                    && count(owner, "SELECT count(*) FROM scheduled_messages WHERE status = 'sent'")
                        == 60
                    && count(owner, "SELECT count(*) FROM scheduled_tasks") == 0);
      }

      assertDeliveredOnceAndNeverEarly(planned, platform.requests(), arena.releases());
      assertThat(
              count(
                  owner,
                  "SELECT count(*) FROM scheduled_messages WHERE status = 'sent'"
                      + " AND attempts = 1 AND sent_at >= scheduled_time"
                      + " AND last_attempt_time IS NOT NULL AND updated_at IS NOT NULL"))
          .isEqualTo(60);
    }
  }

  @Test
  void shouldDeliverAMessageWhenDefaultVariantRunsWithLibraryDefaults() throws Exception {
    DataSource owner = freshDatabase();
    try (FakeTelegramServer platform = FakeTelegramServer.start(0, TOKEN)) {
      Arena arena = arena(owner, platform);
      Contestant contestant = DbSchedulerContestant.defaults();
      assertThat(contestant.name()).isEqualTo(DbSchedulerContestant.NAME_DEFAULT);
      List<PlannedMessage> planned =
          messages(1, Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS));

      try (AutoCloseable running = contestant.start(arena)) {
        try (Connection c = owner.getConnection()) {
          MessageWriter.insertMany(c, planned);
        }
        // the library's default polling interval is 10 s
        awaitUntil(
            Duration.ofSeconds(30),
            "the message received and sent",
            () ->
                platform.requests().size() >= 1
                    && count(owner, "SELECT count(*) FROM scheduled_messages WHERE status = 'sent'")
                        == 1);
      }

      assertDeliveredOnceAndNeverEarly(planned, platform.requests(), arena.releases());
    }
  }

  private static void assertDeliveredOnceAndNeverEarly(
      List<PlannedMessage> planned, List<ReceivedRequest> requests, ReleaseLog releases) {
    Map<String, List<ReceivedRequest>> byRecipient =
        requests.stream().collect(Collectors.groupingBy(r -> r.field("chat_id")));
    assertThat(byRecipient.keySet())
        .containsExactlyInAnyOrderElementsOf(
            planned.stream().map(PlannedMessage::recipient).toList());
    Map<String, PlannedMessage> plannedByRecipient =
        planned.stream().collect(Collectors.toMap(PlannedMessage::recipient, Function.identity()));
    for (Map.Entry<String, List<ReceivedRequest>> e : byRecipient.entrySet()) {
      PlannedMessage m = plannedByRecipient.get(e.getKey());
      assertThat(e.getValue()).as("requests for message %s", m.id()).hasSize(1);
      assertThat(e.getValue().get(0).receivedAt())
          .as("receipt of message %s", m.id())
          .isAfterOrEqualTo(m.scheduledTime());
      assertThat(e.getValue().get(0).field("text")).isEqualTo(MessageWriter.TEXT);
      assertThat(releases.firstRelease(m.id()))
          .as("release of message %s", m.id())
          .isNotNull()
          .isAfterOrEqualTo(m.scheduledTime());
    }
    assertThat(releases.size()).isEqualTo(planned.size());
  }

  private static DataSource freshDatabase() {
    String database = "dbs_it_" + DATABASES.incrementAndGet();
    postgres.prepareDatabase(database);
    return postgres.ownerDataSource(database);
  }

  private static Arena arena(DataSource owner, FakeTelegramServer platform) throws Exception {
    String database;
    try (Connection c = owner.getConnection()) {
      database = c.getCatalog();
    }
    return new Arena(
        postgres.jdbcUrl(database),
        owner,
        null, // db-scheduler uses no broker
        platform.baseUrl(),
        TOKEN,
        PLATFORM_RATE,
        Files.createTempDirectory("db-scheduler-it"),
        new ReleaseLog());
  }

  /** {@code n} messages due at {@code due}, priorities 1, 5 and 9 in turn, unique chat ids. */
  private static List<PlannedMessage> messages(int n, Instant due) {
    int[] priorities = {1, 5, 9};
    List<PlannedMessage> messages = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      messages.add(
          new PlannedMessage(
              UUID.randomUUID(),
              Integer.toString(RECIPIENTS.incrementAndGet()),
              priorities[i % priorities.length],
              due));
    }
    return messages;
  }

  private static long count(DataSource owner, String query) {
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count: " + query, e);
    }
  }

  /**
   * Checks {@code condition} every 100 ms until it holds or {@code timeout} passes (what
   * Awaitility's {@code await().atMost(timeout).until(...)} does; Awaitility is not on this
   * module's test classpath).
   */
  private static void awaitUntil(Duration timeout, String what, BooleanSupplier condition)
      throws Exception {
    ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor();
    CompletableFuture<Void> met = new CompletableFuture<>();
    checker.scheduleWithFixedDelay(
        () -> {
          try {
            if (condition.getAsBoolean()) {
              met.complete(null);
            }
          } catch (RuntimeException e) {
            met.completeExceptionally(e);
          }
        },
        0,
        100,
        TimeUnit.MILLISECONDS);
    try {
      met.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      fail("not " + what + " within " + timeout);
    } finally {
      checker.shutdownNow();
    }
  }
}

package org.schedmsg.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one contestant on one workload: a fresh database (or a copy of the backlog template) and
 * fake platform, start the contestant (its start time), write the workload, wait until every
 * message is received and recorded {@code sent} (or the drain timeout passes), read the counters,
 * stop, analyse.
 */
final class BenchRunner {
  private static final Logger log = LoggerFactory.getLogger(BenchRunner.class);
  private static final String TELEGRAM_TOKEN = "bench-telegram-token";
  private static final Duration CHECK_INTERVAL = Duration.ofMillis(200);
  private static final Duration BACKLOG_INGEST_TIMEOUT = Duration.ofMinutes(20);

  private final BenchInfrastructure infra;
  private final Path workDir;
  private final int platformRate;
  private final Duration drainTimeout;

  /**
   * Numbers the runs of a command; shared by every runner derived with {@link #withDrainTimeout},
   * because a run's database, work directory, topics and replication slot are named after it.
   */
  private final AtomicInteger runs;

  BenchRunner(BenchInfrastructure infra, Path workDir, int platformRate, Duration drainTimeout) {
    this(infra, workDir, platformRate, drainTimeout, new AtomicInteger());
  }

  private BenchRunner(
      BenchInfrastructure infra,
      Path workDir,
      int platformRate,
      Duration drainTimeout,
      AtomicInteger runs) {
    this.infra = infra;
    this.workDir = workDir;
    this.platformRate = platformRate;
    this.drainTimeout = drainTimeout;
    this.runs = runs;
  }

  /** The same runner, waiting {@code timeout} after the last due time; runs keep one numbering. */
  BenchRunner withDrainTimeout(Duration timeout) {
    return new BenchRunner(infra, workDir, platformRate, timeout, runs);
  }

  /** The run's row, then one row per subset of the workload. */
  List<RunResult> run(Contestant contestant, Workload workload) throws Exception {
    String database = "bench_" + contestant.name().replace('-', '_') + "_" + runs.incrementAndGet();
    workload
        .backlog()
        .ifPresentOrElse(
            t -> t.cloneAs(database, contestant instanceof DbSchedulerContestant),
            () -> infra.postgres().prepareDatabase(database));
    DataSource owner = infra.postgres().ownerDataSource(database);
    Path dir = workDir.resolve(database);
    try (FakeTelegramServer platform = FakeTelegramServer.start(0, TELEGRAM_TOKEN)) {
      Arena arena =
          new Arena(
              infra.postgres().jdbcUrl(database),
              owner,
              infra.bootstrapServers(),
              platform.baseUrl(),
              TELEGRAM_TOKEN,
              workload.platformRate(platformRate),
              Files.createDirectories(dir),
              new ReleaseLog());
      log.info("{} on {}: starting", contestant.name(), workload.name());
      try (ContestantSession session = new ContestantSession(contestant, arena)) {
        session.start(
            workload.backlog().map(BacklogTemplate::rows).orElse(0L), BACKLOG_INGEST_TIMEOUT);
        ResourceMeter meter =
            new ResourceMeter(
                infra.postgres().ownerDataSource("postgres"), database, infra.postgresProcesses());
        PeakMemory memory = PeakMemory.start(infra.postgresProcesses());
        ResourceMeter.Reading before = meter.read();
        List<PlannedMessage> planned = workload.run(session);
        log.info("{} on {}: {} rows written", contestant.name(), workload.name(), planned.size());
        awaitDrained(platform, owner, planned);
        Instant end = Instant.now();
        ResourceMeter.Reading used = meter.read().minus(before);
        PeakMemory.Peaks peaks = memory.stop();
        List<Delivery> deliveries =
            platform.requests().stream()
                .map(r -> new Delivery(r.field("chat_id"), r.receivedAt()))
                .toList();
        return results(
            contestant.name(),
            workload,
            planned,
            deliveries,
            arena.releases(),
            owner,
            session,
            resources(used, peaks),
            end);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RunResult.Resources resources(ResourceMeter.Reading used, PeakMemory.Peaks peaks) {
    return new RunResult.Resources(
        used.commits(),
        used.cpuNanos() / 1e9,
        used.postgresCpuNanos() < 0 ? Double.NaN : used.postgresCpuNanos() / 1e9,
        used.wallNanos() / 1e9,
        peaks.jvmBytes(),
        peaks.postgresBytes());
  }

  private void awaitDrained(
      FakeTelegramServer platform, DataSource owner, List<PlannedMessage> planned)
      throws InterruptedException {
    Instant deadline = lastDue(planned).plus(drainTimeout);
    // the row count is read only once the platform has everything: each read is a transaction
    // in the contestant's database and would count in its commits
    while (platform.requestCount() < planned.size() || sentRows(owner) < planned.size()) {
      if (Instant.now().isAfter(deadline)) {
        log.warn("not drained {} after the last due time; reporting what arrived", drainTimeout);
        return;
      }
      TimeUnit.MILLISECONDS.sleep(CHECK_INTERVAL.toMillis());
    }
  }

  private static Instant lastDue(List<PlannedMessage> planned) {
    return planned.stream().map(PlannedMessage::scheduledTime).max(Comparator.naturalOrder()).get();
  }

  private static long sentRows(DataSource owner) {
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*) FROM scheduled_messages WHERE status = 'sent'")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count sent rows", e);
    }
  }

  private static List<RunResult> results(
      String contestant,
      Workload workload,
      List<PlannedMessage> planned,
      List<Delivery> deliveries,
      ReleaseLog releases,
      DataSource owner,
      ContestantSession session,
      RunResult.Resources resources,
      Instant end) {
    List<RunResult> rows = new ArrayList<>();
    DeliveryAnalysis all = DeliveryAnalysis.of(planned, deliveries, end);
    RunResult.Timings timings =
        new RunResult.Timings(
            session.startSeconds(),
            session.ingestSeconds(),
            sinceRestart(session.restartedAt(), firstRelease(planned, releases)),
            sinceRestart(session.restartedAt(), all.firstReceipt()),
            session.insertRate());
    rows.add(
        result(
            contestant, workload.name(), planned, all, releases, owner, resources, timings, end));
    for (Map.Entry<String, Predicate<PlannedMessage>> subset : workload.subsets().entrySet()) {
      List<PlannedMessage> some = planned.stream().filter(subset.getValue()).toList();
      rows.add(
          result(
              contestant,
              workload.name() + "-" + subset.getKey(),
              some,
              DeliveryAnalysis.ofSubset(some, deliveries, end),
              releases,
              owner,
              RunResult.Resources.NONE,
              RunResult.Timings.NONE,
              end));
    }
    return rows;
  }

  private static RunResult result(
      String contestant,
      String workload,
      List<PlannedMessage> planned,
      DeliveryAnalysis analysis,
      ReleaseLog releases,
      DataSource owner,
      RunResult.Resources resources,
      RunResult.Timings timings,
      Instant end) {
    Instant firstDue =
        planned.stream().map(PlannedMessage::scheduledTime).min(Comparator.naturalOrder()).get();
    return new RunResult(
        contestant,
        workload,
        planned.size(),
        analysis.delivered(),
        analysis.duplicates(),
        analysis.early(),
        analysis.inversions(),
        analysis.lateness(),
        analysis.throughput(firstDue),
        ReleaseAnalysis.of(planned, releases, end),
        SentTimes.read(owner, planned),
        resources,
        timings);
  }

  private static Instant firstRelease(List<PlannedMessage> planned, ReleaseLog releases) {
    return planned.stream()
        .map(m -> releases.firstRelease(m.id()))
        .filter(Objects::nonNull)
        .min(Comparator.naturalOrder())
        .orElse(null);
  }

  private static double sinceRestart(Instant restartedAt, Instant first) {
    return restartedAt == null || first == null
        ? Double.NaN
        : Duration.between(restartedAt, first).toNanos() / 1e9;
  }
}

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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one contestant on one workload: a fresh database and fake platform, start the contestant,
 * write the workload, wait until every message is received and recorded {@code sent} (or the drain
 * timeout passes), read the counters, stop, analyse.
 */
final class BenchRunner {
  private static final Logger log = LoggerFactory.getLogger(BenchRunner.class);
  private static final String TELEGRAM_TOKEN = "bench-telegram-token";
  private static final Duration CHECK_INTERVAL = Duration.ofMillis(200);

  private final BenchInfrastructure infra;
  private final Path workDir;
  private final int platformRate;
  private final Duration drainTimeout;
  private int runs;

  BenchRunner(BenchInfrastructure infra, Path workDir, int platformRate, Duration drainTimeout) {
    this.infra = infra;
    this.workDir = workDir;
    this.platformRate = platformRate;
    this.drainTimeout = drainTimeout;
  }

  RunResult run(Contestant contestant, Workload workload) throws Exception {
    String database = "bench_" + contestant.name().replace('-', '_') + "_" + (++runs);
    infra.postgres().prepareDatabase(database);
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
              platformRate,
              Files.createDirectories(dir));
      log.info("{} on {}: starting", contestant.name(), workload.name());
      try (AutoCloseable running = contestant.start(arena)) {
        ResourceMeter meter =
            new ResourceMeter(infra.postgres().ownerDataSource("postgres"), database);
        ResourceMeter.Reading before = meter.read();
        List<PlannedMessage> planned = workload.run(owner);
        log.info("{} on {}: {} rows written", contestant.name(), workload.name(), planned.size());
        awaitDrained(platform, owner, planned);
        ResourceMeter.Reading used = meter.read().minus(before);
        List<Delivery> deliveries =
            platform.requests().stream()
                .map(r -> new Delivery(r.field("chat_id"), r.receivedAt()))
                .toList();
        return result(contestant, workload, planned, deliveries, used);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitDrained(
      FakeTelegramServer platform, DataSource owner, List<PlannedMessage> planned)
      throws InterruptedException {
    Instant lastDue =
        planned.stream().map(PlannedMessage::scheduledTime).max(Comparator.naturalOrder()).get();
    Instant deadline = lastDue.plus(drainTimeout);
    // the row count is read only once the platform has everything: each read is a transaction
    // in the contestant's database and would count in its commits
    while (platform.requests().size() < planned.size() || sentRows(owner) < planned.size()) {
      if (Instant.now().isAfter(deadline)) {
        log.warn("not drained {} after the last due time; reporting what arrived", drainTimeout);
        return;
      }
      TimeUnit.MILLISECONDS.sleep(CHECK_INTERVAL.toMillis());
    }
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

  private static RunResult result(
      Contestant contestant,
      Workload workload,
      List<PlannedMessage> planned,
      List<Delivery> deliveries,
      ResourceMeter.Reading used) {
    DeliveryAnalysis analysis = DeliveryAnalysis.of(planned, deliveries);
    Instant firstDue =
        planned.stream().map(PlannedMessage::scheduledTime).min(Comparator.naturalOrder()).get();
    return new RunResult(
        contestant.name(),
        workload.name(),
        analysis.lateness(),
        planned.size(),
        analysis.delivered(),
        analysis.duplicates(),
        analysis.early(),
        analysis.inversions(),
        analysis.throughput(firstDue),
        used.commits(),
        used.cpuNanos() / 1e9,
        used.wallNanos() / 1e9);
  }
}

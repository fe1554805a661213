package org.schedmsg.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link App} as its own process, killed with SIGKILL (no shutdown hook, no offset flush) in the
 * middle of a burst of inserts and started again: every row reaches the topic; duplicates are
 * allowed, gaps are not.
 */
class AppCrashIT {
  private static final Logger log = LoggerFactory.getLogger(AppCrashIT.class);
  private static final int ROWS = 10_000;
  private static final int ROWS_PER_TRANSACTION = 100;
  private static final int ROWS_BEFORE_KILL = 5_000;

  @TempDir Path dir;
  private IngestorFixture fixture;
  private Process process;
  private int starts;

  @BeforeEach
  void setUp() {
    TestInfrastructure infra = TestInfrastructure.shared();
    TestDatabase db = infra.newDatabase();
    fixture =
        new IngestorFixture(
            db.dataSource(),
            db.jdbcUrl(),
            db.ingestorUser(),
            db.ingestorPassword(),
            infra.bootstrapServers(),
            infra.newTopics(),
            TestInfrastructure.uniqueName("slot"));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    fixture.dropSlot();
    fixture.close();
  }

  @Test
  void shouldDeliverEveryRowWhenKilledDuringBurstAndRestarted() throws Exception {
    Path firstLog = start();
    await()
        .atMost(IngestorFixture.TIMEOUT)
        .until(() -> read(firstLog).contains("CDC engine is streaming"));
    CountDownLatch killed = new CountDownLatch(1);
    CompletableFuture<Void> burst = CompletableFuture.runAsync(() -> insertBurst(killed));

    await()
        .atMost(IngestorFixture.TIMEOUT)
        .pollInSameThread()
        .until(() -> fixture.poll().size() >= ROWS_PER_TRANSACTION);
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    int beforeKill = fixture.poll().size();
    killed.countDown();
    long restartedAt = System.nanoTime();
    start();
    burst.get(IngestorFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);

    Set<String> ids = fixture.rowIds();
    assertThat(ids).hasSize(ROWS);
    fixture.awaitKeys(ids);
    assertThat(fixture.receivedKeys()).containsAll(ids);
    log.info(
        "SIGKILL after {} records on the topic; every row on the topic {} ms after the restart;"
            + " {} records for {} rows ({} duplicates)",
        beforeKill,
        (System.nanoTime() - restartedAt) / 1_000_000,
        fixture.poll().size(),
        ROWS,
        fixture.poll().size() - ROWS);
  }

  /** Half the rows, a wait for the kill, then the other half while the ingestor restarts. */
  private void insertBurst(CountDownLatch killed) {
    try {
      for (int inserted = 0; inserted < ROWS; inserted += ROWS_PER_TRANSACTION) {
        if (inserted == ROWS_BEFORE_KILL
            && !killed.await(IngestorFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          throw new IllegalStateException("the ingestor was not killed in time");
        }
        fixture.insertRows(ROWS_PER_TRANSACTION);
      }
    } catch (Exception e) {
      throw new IllegalStateException("burst of inserts failed", e);
    }
  }

  private Path start() throws IOException {
    Path output = dir.resolve("app-" + (++starts) + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                App.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().clear();
    builder.environment().putAll(fixture.environment(Map.of()));
    process = builder.start();
    return output;
  }

  private static String read(Path output) throws IOException {
    return Files.exists(output) ? Files.readString(output) : "";
  }
}

package org.schedmsg.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Dependency checks: probed in the background, answered from memory, never stale. */
class DependencyCheckTest {
  private static final Duration INTERVAL = Duration.ofMillis(50);
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(100);

  private final Probe http = new Probe();

  @Test
  void shouldFollowTheDependencyDownAndBackUpWhenProbedInTheBackground() throws Exception {
    AtomicReference<String> dependency = new AtomicReference<>();
    OpsConfig config =
        Probe.loopback(Duration.ofSeconds(1), Duration.ofSeconds(5))
            .withDependencyInterval(INTERVAL);
    try (OpsServer ops =
        OpsServer.start(config, OpsServer.newRegistry())
            .withDependencyCheck("database", dependency::get)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> status(ops) == 200);

      dependency.set(DatabaseProbe.UNREACHABLE);
      await().atMost(Duration.ofSeconds(5)).until(() -> status(ops) == 503);
      assertThat(http.get(ops, "/health/ready").body())
          .isEqualTo("{\"status\":\"DOWN\",\"checks\":{\"database\":\"database_unreachable\"}}");

      dependency.set(null);
      await().atMost(Duration.ofSeconds(5)).until(() -> status(ops) == 200);
    }
  }

  @Test
  void shouldNeverProbeOnTheRequestThreadWhenReadinessIsAsked() throws Exception {
    AtomicInteger probes = new AtomicInteger();
    OpsConfig config =
        Probe.loopback(Duration.ofSeconds(1), Duration.ofSeconds(5))
            .withDependencyInterval(Duration.ofHours(1));
    try (OpsServer ops =
        OpsServer.start(config, OpsServer.newRegistry())
            .withDependencyCheck(
                "kafka",
                () -> {
                  probes.incrementAndGet();
                  return null;
                })) {
      await().atMost(Duration.ofSeconds(5)).until(() -> status(ops) == 200);
      for (int i = 0; i < 5; i++) {
        assertThat(status(ops)).isEqualTo(200);
      }
      assertThat(probes).hasValue(1);
    }
  }

  @Test
  void shouldReportNotCheckedYetWhenTheFirstProbeHasNotFinished() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (DependencyCheck check =
        DependencyCheck.start("db", () -> awaitQuietly(release), INTERVAL, PROBE_TIMEOUT)) {
      assertThat(check.problem()).isEqualTo(DependencyCheck.NOT_CHECKED_YET);
      release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> check.problem() == null);
    }
  }

  @Test
  void shouldReportCheckStaleWhenTheProbeHangsLongerThanThreeIntervalsAndItsTimeout() {
    AtomicLong now = new AtomicLong();
    AtomicBoolean hang = new AtomicBoolean();
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger probes = new AtomicInteger();
    try (DependencyCheck check =
        DependencyCheck.start(
            "db",
            () -> {
              probes.incrementAndGet();
              return hang.get() ? awaitQuietly(never) : null;
            },
            INTERVAL,
            PROBE_TIMEOUT,
            now::get)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> probes.get() >= 1);
      await().atMost(Duration.ofSeconds(5)).until(() -> check.problem() == null);
      hang.set(true);
      int before = probes.get();
      await().atMost(Duration.ofSeconds(5)).until(() -> probes.get() > before);

      long limit =
          INTERVAL.multipliedBy(DependencyCheck.STALE_INTERVALS).plus(PROBE_TIMEOUT).toNanos();
      now.addAndGet(limit);
      assertThat(check.problem()).isNull();
      now.addAndGet(1);
      assertThat(check.problem()).isEqualTo(DependencyCheck.CHECK_STALE);
    }
  }

  @Test
  void shouldReportCheckFailedNamingTheExceptionClassWhenTheProbeThrows() {
    try (DependencyCheck check =
        DependencyCheck.start(
            "db",
            () -> {
              throw new IllegalStateException("jdbc:postgresql://host/db?password=secret");
            },
            INTERVAL,
            PROBE_TIMEOUT)) {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> "check_failed:IllegalStateException".equals(check.problem()));
    }
  }

  @Test
  void shouldCloseTheProbeWhenTheEndpointCloses() throws Exception {
    AtomicBoolean closed = new AtomicBoolean();
    ClosingProbe probe = new ClosingProbe(closed);
    OpsServer ops = OpsServer.start(0, OpsServer.newRegistry()).withDependencyCheck("kafka", probe);
    assertThat(closed).isFalse();
    ops.close();
    assertThat(closed).isTrue();
  }

  private int status(OpsServer ops) throws Exception {
    HttpResponse<String> response = http.get(ops, "/health/ready");
    return response.statusCode();
  }

  private static String awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  private record ClosingProbe(AtomicBoolean closed) implements HealthCheck, AutoCloseable {
    @Override
    public String problem() {
      return null;
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }
}

package org.schedmsg.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the health paths and {@code /metrics} answer. */
class OpsServerTest {
  private final Probe probe = new Probe();

  @Test
  void shouldServePrometheusTextWhenMetricsAreScraped() throws Exception {
    PrometheusMeterRegistry registry = OpsServer.newRegistry();
    registry.counter("schedmsg.sends", "outcome", "sent").increment(3);
    try (OpsServer ops = OpsServer.start(0, registry)) {
      HttpResponse<String> response = probe.get(ops, "/metrics");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(response.body()).contains("schedmsg_sends_total{outcome=\"sent\"} 3.0");
    }
  }

  @Test
  void shouldAnswer503NamingTheCheckWhenNotReady() throws Exception {
    AtomicReference<String> problem = new AtomicReference<>("telegram_token_rejected");
    try (OpsServer ops =
        OpsServer.start(0, OpsServer.newRegistry()).withCheck("telegram", problem::get)) {
      HttpResponse<String> down = probe.get(ops, "/health/ready");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body())
          .isEqualTo("{\"status\":\"DOWN\",\"checks\":{\"telegram\":\"telegram_token_rejected\"}}");

      problem.set(null);
      HttpResponse<String> up = probe.get(ops, "/health/ready");
      assertThat(up.statusCode()).isEqualTo(200);
      assertThat(up.body()).isEqualTo("{\"status\":\"UP\"}");
    }
  }

  @Test
  void shouldReportCheckFailedNamingTheExceptionClassWhenACheckThrows() throws Exception {
    try (OpsServer ops =
        OpsServer.start(0, OpsServer.newRegistry())
            .withCheck(
                "db",
                () -> {
                  throw new IllegalStateException("password=s3cret in a driver message");
                })) {
      HttpResponse<String> response = probe.get(ops, "/health/ready");
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body())
          .contains("\"db\":\"check_failed:IllegalStateException\"")
          .doesNotContain("s3cret");
    }
  }

  @Test
  void shouldAnswer200OnLivenessWhenNoLivenessCheckIsRegistered() throws Exception {
    try (OpsServer ops =
        OpsServer.start(0, OpsServer.newRegistry()).withCheck("db", () -> "db_unreachable")) {
      HttpResponse<String> live = probe.get(ops, "/health/live");
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
      assertThat(probe.get(ops, "/health/ready").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void shouldAnswer503OnLivenessNamingTheCheckWhenTheWorkerThreadDied() throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    Thread worker = new Thread(() -> awaitQuietly(stop), "test-worker");
    worker.start();
    try (OpsServer ops =
        OpsServer.start(0, OpsServer.newRegistry())
            .withLivenessCheck("worker", () -> worker.isAlive() ? null : "worker_thread_dead")) {
      assertThat(probe.get(ops, "/health/live").statusCode()).isEqualTo(200);

      stop.countDown();
      worker.join(Probe.PROMPT.toMillis());

      HttpResponse<String> dead = probe.get(ops, "/health/live");
      assertThat(dead.statusCode()).isEqualTo(503);
      assertThat(dead.body())
          .isEqualTo("{\"status\":\"DOWN\",\"checks\":{\"worker\":\"worker_thread_dead\"}}");
      assertThat(probe.get(ops, "/health/ready").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldReportCheckTimeoutWithoutStartingItAgainWhenACheckHangs() throws Exception {
    Duration checkTimeout = Duration.ofMillis(300);
    CountDownLatch dependencyAnswers = new CountDownLatch(1);
    AtomicInteger evaluations = new AtomicInteger();
    HealthCheck hung =
        () -> {
          evaluations.incrementAndGet();
          awaitQuietly(dependencyAnswers);
          return null;
        };
    try (OpsServer ops =
        OpsServer.start(
                Probe.loopback(checkTimeout, Duration.ofSeconds(5)), OpsServer.newRegistry())
            .withCheck("db", hung)
            .withCheck("kafka", () -> null)) {
      for (int probes = 0; probes < 3; probes++) {
        HttpResponse<String> response = probe.get(ops, "/health/ready");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body())
            .isEqualTo("{\"status\":\"DOWN\",\"checks\":{\"db\":\"check_timeout\"}}");
      }
      assertThat(evaluations).hasValue(1);

      dependencyAnswers.countDown();
      await().atMost(Probe.PROMPT).until(() -> probe.get(ops, "/health/ready").statusCode() == 200);
    } finally {
      dependencyAnswers.countDown();
    }
  }

  @Test
  void shouldEscapeControlCharactersAndQuotesWhenAReasonHoldsThem() throws Exception {
    String reason = "bad \"state\"\n\\ \u0001\t\u001f end";
    try (OpsServer ops =
        OpsServer.start(0, OpsServer.newRegistry()).withLivenessCheck("we\"ird", () -> reason)) {
      HttpResponse<String> response = probe.get(ops, "/health/live");

      JsonNode body = new ObjectMapper().readTree(response.body());
      assertThat(body.get("status").asText()).isEqualTo("DOWN");
      assertThat(body.get("checks").get("we\"ird").asText()).isEqualTo(reason);
    }
  }

  @Test
  void shouldSendCacheControlNoStoreOnHealthAnswers() throws Exception {
    try (OpsServer ops =
        OpsServer.start(0, OpsServer.newRegistry()).withCheck("db", () -> "db_unreachable")) {
      for (String path : new String[] {"/health/live", "/health/ready", "/metrics"}) {
        HttpResponse<String> response = probe.get(ops, path);
        assertThat(response.headers().firstValue("Cache-Control")).as(path).hasValue("no-store");
      }
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

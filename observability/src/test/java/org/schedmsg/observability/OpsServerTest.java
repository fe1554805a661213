package org.schedmsg.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OpsServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(OpsServer ops, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServePrometheusTextWhenMetricsAreScraped() throws Exception {
    PrometheusMeterRegistry registry = OpsServer.newRegistry();
    registry.counter("schedmsg.sends", "outcome", "sent").increment(3);
    try (OpsServer ops = OpsServer.start(0, registry)) {
      HttpResponse<String> response = get(ops, "/metrics");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("schedmsg_sends_total{outcome=\"sent\"} 3.0");
    }
  }

  @Test
  void shouldAnswer503NamingTheCheckWhenNotReady() throws Exception {
    AtomicReference<String> problem = new AtomicReference<>("telegram_token_rejected");
    try (OpsServer ops =
        OpsServer.start(0, OpsServer.newRegistry()).withCheck("telegram", problem::get)) {
      HttpResponse<String> down = get(ops, "/health/ready");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("\"telegram\":\"telegram_token_rejected\"");
      assertThat(get(ops, "/health/live").statusCode()).isEqualTo(200);

      problem.set(null);
      assertThat(get(ops, "/health/ready").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldReportDownWhenACheckThrows() throws Exception {
    try (OpsServer ops =
        OpsServer.start(0, OpsServer.newRegistry())
            .withCheck(
                "db",
                () -> {
                  throw new IllegalStateException("boom");
                })) {
      HttpResponse<String> response = get(ops, "/health/ready");
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).contains("check_failed:IllegalStateException");
    }
  }
}

package org.schedmsg.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which requests the endpoint answers: exact paths, GET and HEAD. */
class OpsRoutingTest {
  private final Probe probe = new Probe();
  private OpsServer ops;

  @BeforeEach
  void start() {
    ops = OpsServer.start(0, OpsServer.newRegistry());
  }

  @AfterEach
  void stop() {
    ops.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/health/liveXYZ",
        "/health/live/",
        "/health/live/x",
        "/health/readyz",
        "/health/ready/../live",
        "/health/%6Cive",
        "/health",
        "/metrics/foo",
        "/metricsX",
        "/",
        "/HEALTH/LIVE"
      })
  void shouldAnswer404ForPathThatOnlyStartsWithAHealthPath(String path) throws Exception {
    HttpResponse<String> response = probe.get(ops, path);

    assertThat(response.statusCode()).as(path).isEqualTo(404);
    assertThat(response.body()).isEqualTo("{\"error\":\"not_found\"}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/health/live?verbose=1", "/health/ready?", "/metrics?name=x"})
  void shouldAnswerExactPathWhenAQueryStringFollows(String path) throws Exception {
    assertThat(probe.get(ops, path).statusCode()).as(path).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"})
  void shouldAnswer405WithAllowHeaderWhenMethodIsNeitherGetNorHead(String method) throws Exception {
    for (String path : new String[] {"/health/live", "/health/ready", "/metrics"}) {
      HttpResponse<String> response = probe.send(ops, method, path, Probe.PROMPT);

      assertThat(response.statusCode()).as(method + " " + path).isEqualTo(405);
      assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/health/live", "/health/ready"})
  void shouldAnswerHeadWithTheHeadersOfGetAndWithoutABody(String path) throws Exception {
    String get = probe.get(ops, path).body();

    String answer = head(path);

    assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\n");
    assertThat(answer.toLowerCase(Locale.ROOT))
        .contains("content-type: application/json")
        .contains("cache-control: no-store")
        .contains("content-length: " + get.length());
  }

  @Test
  void shouldAnswerHeadOnMetricsWithoutABody() throws Exception {
    String answer = head("/metrics");

    assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\n");
    assertThat(answer.toLowerCase(Locale.ROOT)).containsPattern("content-length: [1-9][0-9]*\r\n");
  }

  private String head(String path) throws Exception {
    try (RawClient client = RawClient.connect(ops)) {
      return client
          .send("HEAD " + path + " HTTP/1.1\r\nHost: ops\r\nConnection: close\r\n\r\n")
          .readUntilClosed(Probe.PROMPT);
    }
  }

  @Test
  void shouldKeepServingWhenARequestLineIsMalformed() throws Exception {
    String answer;
    try (RawClient client = RawClient.connect(ops)) {
      answer = client.send("NONSENSE\r\n\r\n").readUntilClosed(Duration.ofSeconds(2));
    }

    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(probe.get(ops, "/health/live").statusCode()).isEqualTo(200);
  }
}

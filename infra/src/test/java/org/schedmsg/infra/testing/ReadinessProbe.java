package org.schedmsg.infra.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks a service's real ops endpoint {@code /health/ready} over HTTP, as an orchestrator does, and
 * waits for an answer.
 */
public final class ReadinessProbe {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
  private final URI uri;

  public ReadinessProbe(int opsPort) {
    this.uri = URI.create("http://127.0.0.1:" + opsPort + "/health/ready");
  }

  /** The status code and body of one probe. */
  public record Answer(int status, String body) {}

  public Answer ask() {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Answer(-1, e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "interrupted");
    }
  }

  /** Waits until readiness answers 200. */
  public Answer awaitReady(Duration timeout) {
    return awaitAnswer(timeout, 200, "\"UP\"");
  }

  /** Waits until readiness answers 503 with {@code "check":"reason"} among the failing checks. */
  public Answer awaitNotReady(Duration timeout, String check, String reason) {
    return awaitAnswer(timeout, 503, "\"" + check + "\":\"" + reason + "\"");
  }

  private Answer awaitAnswer(Duration timeout, int status, String fragment) {
    return await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .until(this::ask, a -> a.status() == status && a.body().contains(fragment));
  }
}

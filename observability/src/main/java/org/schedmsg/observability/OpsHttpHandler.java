package org.schedmsg.observability;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Answers every request of the endpoint: exact paths only ({@value #LIVE}, {@value #READY}, {@value
 * #METRICS}; a query string is ignored), {@code GET} and {@code HEAD} only, no caching.
 */
final class OpsHttpHandler implements HttpHandler {
  static final String LIVE = "/health/live";
  static final String READY = "/health/ready";
  static final String METRICS = "/metrics";
  static final String ALLOW = "GET, HEAD";

  private static final Set<String> PATHS = Set.of(LIVE, READY, METRICS);
  private static final String JSON = "application/json";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final Answer NOT_FOUND = Answer.json(404, "{\"error\":\"not_found\"}");
  private static final Answer METHOD_NOT_ALLOWED =
      Answer.json(405, "{\"error\":\"method_not_allowed\"}");

  private final HealthCheckGroup liveness;
  private final HealthCheckGroup readiness;
  private final PrometheusMeterRegistry registry;

  OpsHttpHandler(
      HealthCheckGroup liveness, HealthCheckGroup readiness, PrometheusMeterRegistry registry) {
    this.liveness = liveness;
    this.readiness = readiness;
    this.registry = registry;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      String method = exchange.getRequestMethod();
      send(exchange, answer(exchange.getRequestURI().getRawPath(), method), "HEAD".equals(method));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("ops exchange interrupted while waiting for health checks");
    } finally {
      exchange.close();
    }
  }

  private Answer answer(String path, String method) throws InterruptedException {
    if (!PATHS.contains(path)) {
      return NOT_FOUND;
    }
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      return METHOD_NOT_ALLOWED;
    }
    return switch (path) {
      case LIVE -> health(liveness.evaluate());
      case READY -> health(readiness.evaluate());
      default -> new Answer(200, PROMETHEUS_TEXT, utf8(registry.scrape()));
    };
  }

  private static Answer health(HealthReport report) {
    return Answer.json(report.status(), report.json());
  }

  /** A {@code HEAD} answer carries the headers of the {@code GET} answer, and no body. */
  private static void send(HttpExchange exchange, Answer answer, boolean head) throws IOException {
    Headers headers = exchange.getResponseHeaders();
    headers.set("Content-Type", answer.contentType());
    headers.set("Cache-Control", "no-store");
    if (answer.status() == 405) {
      headers.set("Allow", ALLOW);
    }
    if (head) {
      headers.set("Content-Length", String.valueOf(answer.body().length));
      exchange.sendResponseHeaders(answer.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(answer.status(), answer.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer.body());
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private record Answer(int status, String contentType, byte[] body) {
    static Answer json(int status, String json) {
      return new Answer(status, JSON, utf8(json));
    }
  }
}

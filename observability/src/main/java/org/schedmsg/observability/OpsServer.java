package org.schedmsg.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The operations endpoint of a service: {@code /health/live} (the process answers), {@code
 * /health/ready} (every {@link HealthCheck} passes; 503 with the failing checks otherwise) and
 * {@code /metrics} (Prometheus text format). Bodies hold names and reasons only, never data.
 */
public final class OpsServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusMeterRegistry registry;
  private final Map<String, HealthCheck> checks = new LinkedHashMap<>();

  private OpsServer(HttpServer server, ExecutorService executor, PrometheusMeterRegistry registry) {
    this.server = server;
    this.executor = executor;
    this.registry = registry;
  }

  /** A registry to hand to the services; scraped by {@link #start}'s {@code /metrics}. */
  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** Listens on {@code port} (0 = any free port) on all interfaces. */
  public static OpsServer start(int port, PrometheusMeterRegistry registry) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      ExecutorService executor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "ops-http");
                t.setDaemon(true);
                return t;
              });
      server.setExecutor(executor);
      OpsServer ops = new OpsServer(server, executor, registry);
      server.createContext("/health/live", ex -> ops.respond(ex, 200, "{\"status\":\"UP\"}"));
      server.createContext("/health/ready", ops::ready);
      server.createContext("/metrics", ops::metrics);
      server.start();
      return ops;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the operations port " + port, e);
    }
  }

  /** Adds a readiness check under {@code name}. */
  public synchronized OpsServer withCheck(String name, HealthCheck check) {
    checks.put(name, check);
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void ready(HttpExchange exchange) throws IOException {
    Map<String, String> problems = new LinkedHashMap<>();
    synchronized (this) {
      checks.forEach(
          (name, check) -> {
            String problem;
            try {
              problem = check.problem();
            } catch (RuntimeException e) {
              problem = "check_failed:" + e.getClass().getSimpleName();
            }
            if (problem != null && !problem.isEmpty()) {
              problems.put(name, problem);
            }
          });
    }
    if (problems.isEmpty()) {
      respond(exchange, 200, "{\"status\":\"UP\"}");
      return;
    }
    StringBuilder body = new StringBuilder("{\"status\":\"DOWN\",\"checks\":{");
    problems.forEach(
        (name, problem) ->
            body.append('"').append(escape(name)).append("\":\"").append(escape(problem))
                .append("\","));
    body.setLength(body.length() - 1);
    respond(exchange, 503, body.append("}}").toString());
  }

  private void metrics(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

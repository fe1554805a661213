package org.schedmsg.infra.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The control API of a sandbox platform, so that a person can make it misbehave and watch retries,
 * pauses and failures happen ({@code POST /_sandbox/<command>?<parameters>}):
 *
 * <ul>
 *   <li>{@code fail?recipient=R&error=E}: answer every request to R with error E;
 *   <li>{@code next?error=E&count=N}: answer the next N requests with error E;
 *   <li>{@code token?value=T}: accept only token T (a revoked token; set it back to fix it);
 *   <li>{@code delay?ms=N}: wait N ms before every answer (timeouts);
 *   <li>{@code receipt_failure?recipient=R&code=C}: status callbacks of messages to R report {@code
 *       failed} with error code C (WhatsApp only, when callbacks are configured);
 *   <li>{@code reset}: forget rules, delays and received requests;
 *   <li>{@code GET requests}: what the sandbox received (development data only).
 * </ul>
 *
 * Error names are the platform's real error responses ({@link #errorNames()}).
 */
final class SandboxControl {
  static final String PREFIX = "/_sandbox/";

  private final FakePlatformServer platform;
  private final Map<String, Supplier<ScriptedResponse>> errors;

  SandboxControl(FakePlatformServer platform, Map<String, Supplier<ScriptedResponse>> errors) {
    this.platform = platform;
    this.errors = Map.copyOf(errors);
  }

  TreeSet<String> errorNames() {
    return new TreeSet<>(errors.keySet());
  }

  void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String command = exchange.getRequestURI().getPath().substring(PREFIX.length());
      Map<String, String> params = query(exchange.getRequestURI().getRawQuery());
      try {
        String answer = apply(command, params);
        respond(exchange, 200, answer);
      } catch (IllegalArgumentException e) {
        ObjectNode body = FakePlatformServer.MAPPER.createObjectNode();
        body.put("error", e.getMessage());
        body.putPOJO("error_names", errorNames());
        respond(exchange, 400, body.toString());
      }
    }
  }

  private String apply(String command, Map<String, String> p) {
    switch (command) {
      case "fail" -> platform.failFor(required(p, "recipient"), error(required(p, "error")));
      case "next" -> {
        ScriptedResponse response = error(required(p, "error"));
        int count = Integer.parseInt(p.getOrDefault("count", "1"));
        for (int i = 0; i < count; i++) {
          platform.respondWith(response);
        }
      }
      case "token" -> platform.acceptOnlyToken(required(p, "value"));
      case "delay" ->
          platform.delayAllResponses(Duration.ofMillis(Long.parseLong(required(p, "ms"))));
      case "receipt_failure" ->
          platform.failReceiptsFor(required(p, "recipient"), Integer.parseInt(required(p, "code")));
      case "reset" -> platform.reset();
      case "requests" -> {
        return requests();
      }
      default ->
          throw new IllegalArgumentException(
              "unknown command; use fail, next, token, delay, receipt_failure, reset or requests");
    }
    return "{\"ok\":true}";
  }

  private String requests() {
    ObjectNode body = FakePlatformServer.MAPPER.createObjectNode();
    ArrayNode list = body.putArray("requests");
    for (ReceivedRequest r : platform.requests()) {
      ObjectNode item = list.addObject();
      item.put("path", r.path());
      item.put("received_at", r.receivedAt().toString());
      item.set("body", r.body());
    }
    body.put("count", list.size());
    return body.toString();
  }

  private ScriptedResponse error(String name) {
    Supplier<ScriptedResponse> error = errors.get(name);
    if (error == null) {
      throw new IllegalArgumentException("unknown error name");
    }
    return error.get();
  }

  private static String required(Map<String, String> params, String name) {
    String value = params.get(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("missing parameter " + name);
    }
    return value;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new HashMap<>();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}

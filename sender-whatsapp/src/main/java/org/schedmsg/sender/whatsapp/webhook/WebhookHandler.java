package org.schedmsg.sender.whatsapp.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the WhatsApp webhook: {@code GET} is Meta's subscription handshake ({@code
 * hub.mode=subscribe}, {@code hub.verify_token} compared in constant time, {@code hub.challenge}
 * echoed); {@code POST} reads at most {@value #MAX_BODY_BYTES} bytes, answers 401 unless {@code
 * X-Hub-Signature-256} verifies, and only then hands the raw body to the {@link
 * StatusNotificationHandler}. Bodies are never logged.
 */
final class WebhookHandler implements HttpHandler {
  static final int MAX_BODY_BYTES = 1 << 20;
  private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);

  private final SignatureVerifier signatures;
  private final byte[] verifyToken;
  private final StatusNotificationHandler notifications;
  private final WebhookMetrics metrics;

  WebhookHandler(
      SignatureVerifier signatures,
      String verifyToken,
      StatusNotificationHandler notifications,
      WebhookMetrics metrics) {
    this.signatures = signatures;
    this.verifyToken = verifyToken.getBytes(StandardCharsets.UTF_8);
    this.notifications = notifications;
    this.metrics = metrics;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      switch (exchange.getRequestMethod()) {
        case "GET" -> handshake(exchange);
        case "POST" -> notification(exchange);
        default -> respond(exchange, 405, "");
      }
    }
  }

  private void handshake(HttpExchange exchange) throws IOException {
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    String token = query.getOrDefault("hub.verify_token", "");
    String challenge = query.get("hub.challenge");
    boolean ok =
        "subscribe".equals(query.get("hub.mode"))
            && challenge != null
            && MessageDigest.isEqual(verifyToken, token.getBytes(StandardCharsets.UTF_8));
    metrics.request(ok ? "handshake" : "handshake_refused");
    LOG.info("webhook verification handshake {}", ok ? "accepted" : "refused");
    respond(exchange, ok ? 200 : 403, ok ? challenge : "");
  }

  private void notification(HttpExchange exchange) throws IOException {
    byte[] body = readLimited(exchange.getRequestBody());
    if (body == null) {
      metrics.request("too_large");
      respond(exchange, 413, "");
      return;
    }
    String signature = exchange.getRequestHeaders().getFirst("X-Hub-Signature-256");
    if (!signatures.verify(signature, body)) {
      String outcome = signature == null ? "unsigned" : "bad_signature";
      metrics.request(outcome);
      LOG.warn("webhook notification refused: {} ({} bytes)", outcome, body.length);
      respond(exchange, 401, "");
      return;
    }
    int status = notifications.handle(body);
    metrics.request(status == 200 ? "accepted" : "failed_" + status);
    respond(exchange, status, "");
  }

  private static byte[] readLimited(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    return bytes.length > MAX_BODY_BYTES ? null : bytes;
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
      params.putIfAbsent(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }

  private static void respond(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}

package org.schedmsg.infra.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's stand-in for Meta's webhook: after the fake accepted a message it POSTs signed
 * status notifications ({@code X-Hub-Signature-256: sha256=<HMAC-SHA256 of the body with the app
 * secret>}) in Meta's format, {@code entry[].changes[].value.statuses[]}: {@code delivered} after
 * one interval and {@code read} after two, or, for a recipient scripted with {@link #failFor}, one
 * {@code failed} status with that error code. Like Meta, it retries a callback that was not
 * answered 2xx (up to {@value #MAX_TRIES} tries, the wait doubling). Logs status and HTTP status
 * only, never bodies.
 */
final class WhatsAppStatusCallbacks implements AutoCloseable {
  static final int MAX_TRIES = 5;
  private static final Logger LOG = LoggerFactory.getLogger(WhatsAppStatusCallbacks.class);

  private final URI webhook;
  private final byte[] appSecret;
  private final String phoneNumberId;
  private final Duration interval;
  private final Clock clock;
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "sandbox-whatsapp-callbacks");
            thread.setDaemon(true);
            return thread;
          });

  WhatsAppStatusCallbacks(
      URI webhook, String appSecret, String phoneNumberId, Duration interval, Clock clock) {
    this.webhook = Objects.requireNonNull(webhook, "webhook");
    this.appSecret = appSecret.getBytes(StandardCharsets.UTF_8);
    this.phoneNumberId = phoneNumberId;
    this.interval = interval;
    this.clock = clock;
  }

  /** Answers the next messages to {@code recipient} with a {@code failed} status {@code code}. */
  void failFor(String recipient, int code) {
    failures.put(recipient, code);
  }

  void reset() {
    failures.clear();
  }

  /** Schedules the status callbacks of a message the fake just accepted. */
  void accepted(String wamid, String recipient) {
    String waId = recipient.replaceAll("\\D", "");
    Integer failure = failures.get(recipient);
    if (failure != null) {
      schedule(1, statusPayload(phoneNumberId, wamid, "failed", waId, epoch(1), failure));
      return;
    }
    schedule(1, statusPayload(phoneNumberId, wamid, "delivered", waId, epoch(1), null));
    schedule(2, statusPayload(phoneNumberId, wamid, "read", waId, epoch(2), null));
  }

  private long epoch(int intervals) {
    return clock.instant().plus(interval.multipliedBy(intervals)).getEpochSecond();
  }

  private void schedule(int intervals, String body) {
    timer.schedule(
        () -> post(body, 1), interval.multipliedBy(intervals).toMillis(), TimeUnit.MILLISECONDS);
  }

  private void post(String body, int attempt) {
    int status;
    try {
      HttpRequest request =
          HttpRequest.newBuilder(webhook)
              .timeout(Duration.ofSeconds(5))
              .header("Content-Type", "application/json")
              .header("X-Hub-Signature-256", "sha256=" + sign(appSecret, body))
              .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
              .build();
      status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      status = -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    LOG.debug("status callback try {} -> {}", attempt, status);
    if ((status < 200 || status > 299) && attempt < MAX_TRIES && !timer.isShutdown()) {
      long wait = interval.toMillis() << (attempt - 1);
      timer.schedule(() -> post(body, attempt + 1), wait, TimeUnit.MILLISECONDS);
    }
  }

  /** Hex HMAC-SHA256 of {@code body} with {@code secret}, as Meta signs webhook notifications. */
  static String sign(byte[] secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * One webhook notification with one status, in Meta's format: {@code
   * {"object":"whatsapp_business_account","entry":[{"id","changes":[{"field":"messages","value":{
   * "messaging_product","metadata","statuses":[{"id","status","timestamp","recipient_id",
   * "errors"?}]}}]}]}}.
   */
  static String statusPayload(
      String phoneNumberId,
      String wamid,
      String status,
      String recipientId,
      long epochSeconds,
      Integer errorCode) {
    ObjectNode body = FakePlatformServer.MAPPER.createObjectNode();
    body.put("object", "whatsapp_business_account");
    ObjectNode entry = body.putArray("entry").addObject().put("id", "102290129340398");
    ObjectNode change = entry.putArray("changes").addObject();
    ObjectNode value = change.putObject("value").put("messaging_product", "whatsapp");
    value
        .putObject("metadata")
        .put("display_phone_number", "15550783881")
        .put("phone_number_id", phoneNumberId);
    ObjectNode item =
        value
            .putArray("statuses")
            .addObject()
            .put("id", wamid)
            .put("status", status)
            .put("timestamp", Long.toString(epochSeconds))
            .put("recipient_id", recipientId);
    if (errorCode != null) {
      item.putArray("errors")
          .addObject()
          .put("code", errorCode)
          .put("title", errorTitle(errorCode))
          .put("message", errorTitle(errorCode))
          .putObject("error_data")
          .put("details", errorTitle(errorCode) + ".");
    }
    change.put("field", "messages");
    return body.toString();
  }

  private static String errorTitle(int code) {
    return switch (code) {
      case 131026 -> "Message undeliverable";
      case 131047 -> "Re-engagement message";
      case 131049 -> "Meta chose not to deliver";
      default -> "Message failed to send";
    };
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}

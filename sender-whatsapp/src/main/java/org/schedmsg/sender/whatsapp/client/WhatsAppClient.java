package org.schedmsg.sender.whatsapp.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.sender.core.client.PlatformClient;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.whatsapp.config.WhatsAppSenderConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a text message with the Cloud API: {@code POST {base}/{phone-number-id}/messages}, {@code
 * Authorization: Bearer <token>}, JSON {@code {"messaging_product":"whatsapp",
 * "recipient_type":"individual","to":..,"type":"text","text":{"preview_url":false,"body":..}}}.
 * Answers are classified by {@link WhatsAppResponses}; I/O failures become {@code
 * Retryable("connection_failed")} (nothing reached Meta) or {@code Retryable("timeout")} (Meta may
 * have sent it).
 *
 * <p>Logs carry message id, HTTP status and exception class only: never the token, the recipient,
 * the text or a response body.
 */
public final class WhatsAppClient implements PlatformClient {
  private static final Logger LOG = LoggerFactory.getLogger(WhatsAppClient.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpClient http;
  private final URI messages;
  private final String authorization;
  private final Duration timeout;

  public WhatsAppClient(
      HttpClient http, URI apiBaseUrl, String phoneNumberId, String accessToken, Duration timeout) {
    this.http = Objects.requireNonNull(http, "http");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.messages =
        URI.create(
            Objects.requireNonNull(apiBaseUrl, "apiBaseUrl")
                + "/"
                + Objects.requireNonNull(phoneNumberId, "phoneNumberId")
                + "/messages");
    this.authorization = "Bearer " + Objects.requireNonNull(accessToken, "accessToken");
  }

  /** A client with its own {@link HttpClient}, connect and request timeout from {@code config}. */
  public static WhatsAppClient create(WhatsAppSenderConfig config) {
    Duration timeout = config.core().httpTimeout();
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    return new WhatsAppClient(
        http, config.apiBaseUrl(), config.phoneNumberId(), config.accessToken(), timeout);
  }

  @Override
  public SendResult send(DeliveryRequest request) {
    if (request.recipientId() == null || request.recipientId().isBlank()) {
      return new SendResult.Permanent("whatsapp:no_recipient");
    }
    if (request.text() == null || request.text().isBlank()) {
      return new SendResult.Permanent("whatsapp:no_text");
    }
    HttpRequest httpRequest =
        HttpRequest.newBuilder(messages)
            .timeout(timeout)
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(requestBody(request).toString()))
            .build();
    try {
      HttpResponse<String> response = http.send(httpRequest, HttpResponse.BodyHandlers.ofString());
      LOG.debug("messages messageId={} status={}", request.messageId(), response.statusCode());
      return WhatsAppResponses.classify(response.statusCode(), response.body());
    } catch (HttpConnectTimeoutException e) {
      return ioFailure(request, e, "connection_failed");
    } catch (HttpTimeoutException e) {
      return ioFailure(request, e, "timeout");
    } catch (IOException e) {
      return ioFailure(request, e, "connection_failed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new SendResult.Retryable("interrupted");
    }
  }

  /** The text-message body of {@code POST /{phone-number-id}/messages}. */
  static ObjectNode requestBody(DeliveryRequest request) {
    ObjectNode body =
        MAPPER
            .createObjectNode()
            .put("messaging_product", "whatsapp")
            .put("recipient_type", "individual")
            .put("to", request.recipientId().trim())
            .put("type", "text");
    body.putObject("text").put("preview_url", false).put("body", request.text());
    return body;
  }

  private static SendResult ioFailure(DeliveryRequest request, Exception e, String reason) {
    LOG.debug(
        "messages messageId={} failed: {}", request.messageId(), e.getClass().getSimpleName());
    return new SendResult.Retryable(reason);
  }
}

package org.schedmsg.sender.telegram.client;

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
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a text message with the Bot API's {@code sendMessage}: {@code POST
 * {base}/bot{token}/sendMessage}, JSON {@code {"chat_id": .., "text": ..}}. Answers are classified
 * by {@link TelegramResponses}; I/O failures become {@code Retryable("connection_failed")} (nothing
 * reached Telegram) or {@code Retryable("timeout")} (Telegram may have sent it).
 *
 * <p>The token is part of the URL path, so neither the URL nor any exception message of the HTTP
 * client is ever logged; logs carry message id, HTTP status and exception class only.
 */
public final class TelegramClient implements PlatformClient {
  private static final Logger LOG = LoggerFactory.getLogger(TelegramClient.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpClient http;
  private final URI sendMessage;
  private final Duration timeout;

  public TelegramClient(HttpClient http, URI apiBaseUrl, String botToken, Duration timeout) {
    this.http = Objects.requireNonNull(http, "http");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(apiBaseUrl, "apiBaseUrl");
    Objects.requireNonNull(botToken, "botToken");
    try {
      this.sendMessage = URI.create(apiBaseUrl + "/bot" + botToken + "/sendMessage");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the bot token or base URL do not form a URL");
    }
  }

  /** A client with its own {@link HttpClient}, connect and request timeout from {@code config}. */
  public static TelegramClient create(TelegramSenderConfig config) {
    Duration timeout = config.core().httpTimeout();
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    return new TelegramClient(http, config.apiBaseUrl(), config.botToken(), timeout);
  }

  @Override
  public SendResult send(DeliveryRequest request) {
    if (request.recipientId() == null || request.recipientId().isBlank()) {
      return new SendResult.Permanent("telegram:no_chat_id");
    }
    if (request.text() == null || request.text().isBlank()) {
      return new SendResult.Permanent("telegram:no_text");
    }
    HttpRequest httpRequest =
        HttpRequest.newBuilder(sendMessage)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(requestBody(request).toString()))
            .build();
    try {
      HttpResponse<String> response = http.send(httpRequest, HttpResponse.BodyHandlers.ofString());
      SendResult result = TelegramResponses.classify(response.statusCode(), response.body());
      LOG.debug("sendMessage messageId={} status={}", request.messageId(), response.statusCode());
      return result;
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

  /**
   * The {@code sendMessage} body: {@code chat_id} as an Integer when the recipient id is numeric (a
   * user or group id), else as a String (an {@code @channelusername}); {@code text}.
   */
  static ObjectNode requestBody(DeliveryRequest request) {
    ObjectNode body = MAPPER.createObjectNode();
    String chatId = request.recipientId().trim();
    if (chatId.matches("-?\\d{1,18}")) {
      body.put("chat_id", Long.parseLong(chatId));
    } else {
      body.put("chat_id", chatId);
    }
    body.put("text", request.text());
    return body;
  }

  private static SendResult ioFailure(DeliveryRequest request, Exception e, String reason) {
    LOG.debug(
        "sendMessage messageId={} failed: {}", request.messageId(), e.getClass().getSimpleName());
    return new SendResult.Retryable(reason);
  }
}

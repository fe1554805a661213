package org.schedmsg.sender.telegram.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.schedmsg.contracts.DeliveryHeaders;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.TraceContext;
import org.schedmsg.sender.core.client.PlatformClient;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a text message with the Bot API's {@code sendMessage}: {@code POST
 * {base}/bot{token}/sendMessage}, JSON {@code {"chat_id": .., "text": .., "parse_mode"?: ..,
 * "disable_notification"?: .., "protect_content"?: ..}} (options from {@code metadata}, see {@link
 * TelegramMessageOptions}). Answers are classified by {@link TelegramResponses}. I/O failures
 * before the request left become {@code Retryable("connection_failed")}; after it left (no answer
 * in time, connection lost) {@code Ambiguous("timeout")} / {@code Ambiguous("connection_lost")}:
 * Telegram may have sent it.
 *
 * <p>A 400 with {@code parameters.migrate_to_chat_id} (a group became a supergroup) is sent once
 * more to the new chat id, and later messages to the old id go to the new one directly.
 *
 * <p>The token is part of the URL path, so neither the URL nor any exception message of the HTTP
 * client is ever logged; logs carry message id, HTTP status and exception class only.
 */
public final class TelegramClient implements PlatformClient {
  /** Telegram's limit for a message text (after entity parsing). */
  public static final int MAX_TEXT_LENGTH = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(TelegramClient.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpClient http;
  private final URI sendMessage;
  private final Duration timeout;
  private final Map<String, String> migratedChats = new ConcurrentHashMap<>();

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
    SendResult invalid = validate(request);
    if (invalid != null) {
      return invalid;
    }
    String chatId = request.recipientId().trim();
    return sendTo(request, migratedChats.getOrDefault(chatId, chatId), true);
  }

  /** Checks made before calling Telegram: a chat id, a text, at most 4096 characters. */
  static SendResult validate(DeliveryRequest request) {
    if (request.recipientId() == null || request.recipientId().isBlank()) {
      return new SendResult.Permanent("telegram:no_chat_id");
    }
    if (request.text() == null || request.text().isBlank()) {
      return new SendResult.Permanent("telegram:no_text");
    }
    if (request.text().length() > MAX_TEXT_LENGTH) {
      return new SendResult.Permanent("telegram:message_too_long");
    }
    return null;
  }

  private SendResult sendTo(DeliveryRequest request, String chatId, boolean followMigration) {
    HttpResponse<String> response;
    try {
      response =
          http.send(httpRequest(request, requestBody(request, chatId)), BodyHandlers.ofString());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      return ioFailure(request, e, new SendResult.Retryable("connection_failed"));
    } catch (HttpTimeoutException e) {
      return ioFailure(request, e, new SendResult.Ambiguous("timeout"));
    } catch (IOException e) {
      return ioFailure(request, e, new SendResult.Ambiguous("connection_lost"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new SendResult.Ambiguous("interrupted");
    }
    LOG.debug("sendMessage messageId={} status={}", request.messageId(), response.statusCode());
    Long migrated = TelegramResponses.migrateToChatId(response.statusCode(), response.body());
    if (migrated != null && followMigration) {
      LOG.info(
          "sendMessage messageId={}: the group became a supergroup; sending to its new chat id",
          request.messageId());
      migratedChats.put(chatId, String.valueOf(migrated));
      return sendTo(request, String.valueOf(migrated), false);
    }
    return TelegramResponses.classify(response.statusCode(), response.body());
  }

  private HttpRequest httpRequest(DeliveryRequest request, ObjectNode body) {
    return HttpRequest.newBuilder(sendMessage)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header(
            DeliveryHeaders.TRACEPARENT,
            TraceContext.traceparent(
                request.messageId(), request.attempts(), TraceContext.Hop.SEND))
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
  }

  /** The {@code sendMessage} body for the request's own recipient. */
  static ObjectNode requestBody(DeliveryRequest request) {
    return requestBody(request, request.recipientId().trim());
  }

  /**
   * The {@code sendMessage} body: {@code chat_id} as an Integer when numeric (a user or group id),
   * else as a String (an {@code @channelusername}); {@code text}, escaped for the parse mode; the
   * options from {@code metadata}.
   */
  static ObjectNode requestBody(DeliveryRequest request, String chatId) {
    ObjectNode body = MAPPER.createObjectNode();
    if (chatId.matches("-?\\d{1,18}")) {
      body.put("chat_id", Long.parseLong(chatId));
    } else {
      body.put("chat_id", chatId);
    }
    TelegramMessageOptions options = TelegramMessageOptions.from(request.metadata());
    body.put("text", options.escape(request.text()));
    options.parseMode().ifPresent(mode -> body.put(TelegramMessageOptions.PARSE_MODE, mode));
    options
        .disableNotification()
        .ifPresent(flag -> body.put(TelegramMessageOptions.DISABLE_NOTIFICATION, flag));
    options
        .protectContent()
        .ifPresent(flag -> body.put(TelegramMessageOptions.PROTECT_CONTENT, flag));
    return body;
  }

  private static SendResult ioFailure(DeliveryRequest request, Exception e, SendResult result) {
    LOG.debug(
        "sendMessage messageId={} failed: {}", request.messageId(), e.getClass().getSimpleName());
    return result;
  }
}

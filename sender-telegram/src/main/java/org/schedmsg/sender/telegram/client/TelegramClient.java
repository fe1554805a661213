package org.schedmsg.sender.telegram.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.sender.core.client.PlatformClient;
import org.schedmsg.sender.core.client.PlatformHttpClient;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a text message with the Bot API's {@code sendMessage}: {@code POST
 * {base}/bot{token}/sendMessage}, JSON {@code {"chat_id": .., "text": .., "parse_mode"?: ..,
 * "disable_notification"?: .., "protect_content"?: ..}} (options from {@code metadata}, see {@link
 * TelegramMessageOptions}). The exchange (trace header, whole-call deadline, body size cap, I/O
 * failures) is sender-core's {@link PlatformHttpClient}; answers read whole are classified by
 * {@link TelegramResponses}.
 *
 * <p>A 400 with {@code parameters.migrate_to_chat_id} (a group became a supergroup) is sent once
 * more to the new chat id, and later messages to the old id go to the new one directly.
 *
 * <p>The token is part of the URL path, so neither the URL nor any exception message of the HTTP
 * client is ever logged; logs carry message id, HTTP status and exception class only.
 */
public final class TelegramClient implements PlatformClient {
  /** Telegram's limit for a message text (after entity parsing). */
  public static final int MAX_TEXT_LENGTH = Platform.TELEGRAM.maxTextLength();

  private static final Logger LOG = LoggerFactory.getLogger(TelegramClient.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final PlatformHttpClient http;
  private final URI sendMessage;
  private final Map<String, String> migratedChats = new ConcurrentHashMap<>();

  /**
   * @param timeout the deadline of each whole {@code sendMessage} exchange, body included
   */
  public TelegramClient(HttpClient http, URI apiBaseUrl, String botToken, Duration timeout) {
    this.http = new PlatformHttpClient(http, timeout, "sendMessage");
    Objects.requireNonNull(apiBaseUrl, "apiBaseUrl");
    Objects.requireNonNull(botToken, "botToken");
    try {
      this.sendMessage = URI.create(apiBaseUrl + "/bot" + botToken + "/sendMessage");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the bot token or base URL do not form a URL");
    }
  }

  /**
   * A client with its own {@link HttpClient}, connect and whole-call timeout from {@code config}.
   */
  public static TelegramClient create(TelegramSenderConfig config) {
    Duration timeout = config.core().httpTimeout();
    return new TelegramClient(
        PlatformHttpClient.newHttpClient(timeout), config.apiBaseUrl(), config.botToken(), timeout);
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
    if (Platform.TELEGRAM.isTooLong(request.text())) {
      return new SendResult.Permanent("telegram:message_too_long");
    }
    return null;
  }

  private SendResult sendTo(DeliveryRequest request, String chatId, boolean followMigration) {
    return http.post(
        HttpRequest.newBuilder(sendMessage),
        request,
        requestBody(request, chatId).toString(),
        (status, body) -> {
          Long migrated = TelegramResponses.migrateToChatId(status, body);
          if (migrated == null || !followMigration) {
            return TelegramResponses.classify(status, body);
          }
          LOG.info(
              "sendMessage messageId={}: the group became a supergroup; sending to its new chat id",
              request.messageId());
          migratedChats.put(chatId, String.valueOf(migrated));
          return sendTo(request, String.valueOf(migrated), false);
        });
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
}

package org.schedmsg.infra.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A local stand-in for the Telegram Bot API's {@code sendMessage}: {@code POST
 * /bot<token>/sendMessage} with a JSON body, answered in the Bot API's shapes ({@code
 * {"ok":true,"result":Message}} or {@code {"ok":false,"error_code":..,"description":..}}).
 *
 * <p>A wrong token gets 401 Unauthorized; another method 404; a body without {@code chat_id} or
 * {@code text} 400. Successful answers carry increasing {@code message_id}s, starting at 1.
 */
public final class FakeTelegramServer extends FakePlatformServer {
  public static final String METHOD = "sendMessage";
  static final int MAX_TEXT_LENGTH = 4096;

  private volatile String token;
  private final AtomicLong messageIds = new AtomicLong();

  private FakeTelegramServer(int port, String token, Clock clock) {
    super(port, clock);
    this.token = Objects.requireNonNull(token, "token");
  }

  /** Starts a fake on {@code port} (0 picks a free one) that accepts only {@code token}. */
  public static FakeTelegramServer start(int port, String token) {
    return start(port, token, Clock.systemUTC());
  }

  public static FakeTelegramServer start(int port, String token, Clock clock) {
    return new FakeTelegramServer(port, token, clock);
  }

  /** From now on accepts only {@code newToken} (a revoked token, or one fixed later). */
  @Override
  public void acceptOnlyToken(String newToken) {
    this.token = Objects.requireNonNull(newToken, "newToken");
  }

  /** {@code http://127.0.0.1:<port>}; a client appends {@code /bot<token>/<method>}. */
  @Override
  Map<String, Supplier<ScriptedResponse>> namedErrors() {
    return Map.of(
        "chat_not_found", FakeTelegramServer::chatNotFound,
        "bot_blocked", FakeTelegramServer::botBlocked,
        "unauthorized", FakeTelegramServer::unauthorized,
        "too_many_requests", () -> tooManyRequests(5),
        "internal_error", FakeTelegramServer::internalServerError,
        "bad_gateway", FakeTelegramServer::badGateway);
  }

  @Override
  public String baseUrl() {
    return origin();
  }

  public static ScriptedResponse chatNotFound() {
    return error(400, "Bad Request: chat not found");
  }

  public static ScriptedResponse botBlocked() {
    return error(403, "Forbidden: bot was blocked by the user");
  }

  public static ScriptedResponse unauthorized() {
    return error(401, "Unauthorized");
  }

  /** Flood control: 429 with {@code parameters.retry_after}. */
  public static ScriptedResponse tooManyRequests(int retryAfterSeconds) {
    ObjectNode body = errorNode(429, "Too Many Requests: retry after " + retryAfterSeconds);
    body.putObject("parameters").put("retry_after", retryAfterSeconds);
    return ScriptedResponse.json(429, body.toString());
  }

  /**
   * The group became a supergroup: 400 with {@code parameters.migrate_to_chat_id}, the chat id to
   * send to instead.
   */
  public static ScriptedResponse migratedTo(long newChatId) {
    ObjectNode body = errorNode(400, "Bad Request: group chat was upgraded to a supergroup chat");
    body.putObject("parameters").put("migrate_to_chat_id", newChatId);
    return ScriptedResponse.json(400, body.toString());
  }

  public static ScriptedResponse internalServerError() {
    return error(500, "Internal Server Error");
  }

  /** What Telegram's front proxy answers when the Bot API is down: an HTML page, not JSON. */
  public static ScriptedResponse badGateway() {
    return ScriptedResponse.html(
        502, "<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>");
  }

  /** A Bot API error answer: {@code {"ok":false,"error_code":status,"description":..}}. */
  public static ScriptedResponse error(int status, String description) {
    return ScriptedResponse.json(status, errorNode(status, description).toString());
  }

  private static ObjectNode errorNode(int status, String description) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("ok", false).put("error_code", status).put("description", description);
    return body;
  }

  @Override
  ScriptedResponse rejectRequest(HttpExchange exchange) {
    String path = exchange.getRequestURI().getPath();
    String expectedPrefix = "/bot" + token + "/";
    if (!path.startsWith("/bot")) {
      return error(404, "Not Found");
    }
    if (!path.startsWith(expectedPrefix)) {
      return unauthorized();
    }
    if (!path.substring(expectedPrefix.length()).equals(METHOD)
        || !"POST".equals(exchange.getRequestMethod())) {
      return error(404, "Not Found");
    }
    return null;
  }

  @Override
  String redactedPath(HttpExchange exchange) {
    String path = exchange.getRequestURI().getPath();
    if (!path.startsWith("/bot")) {
      return path;
    }
    int slash = path.indexOf('/', 4);
    return "/bot<token>" + (slash < 0 ? "" : path.substring(slash));
  }

  @Override
  ScriptedResponse validate(JsonNode body) {
    JsonNode chatId = body.get("chat_id");
    if (chatId == null
        || !(chatId.isIntegralNumber() || chatId.isTextual())
        || chatId.asText().isBlank()) {
      return error(400, "Bad Request: chat_id is empty");
    }
    JsonNode text = body.get("text");
    if (text == null || !text.isTextual() || text.asText().isBlank()) {
      return error(400, "Bad Request: message text is empty");
    }
    if (text.asText().length() > MAX_TEXT_LENGTH) {
      return error(400, "Bad Request: message is too long");
    }
    return null;
  }

  @Override
  ScriptedResponse malformedBody() {
    return error(400, "Bad Request: invalid JSON body");
  }

  @Override
  String recipientOf(JsonNode body) {
    return body.get("chat_id").asText();
  }

  @Override
  String successBody(JsonNode body) {
    ObjectNode answer = MAPPER.createObjectNode().put("ok", true);
    ObjectNode message = answer.putObject("result");
    message.put("message_id", messageIds.incrementAndGet());
    message.putObject("from").put("id", 1).put("is_bot", true).put("first_name", "Sandbox Bot");
    ObjectNode chat = message.putObject("chat");
    JsonNode chatId = body.get("chat_id");
    if (chatId.isIntegralNumber() || chatId.asText().matches("-?\\d+")) {
      chat.put("id", Long.parseLong(chatId.asText())).put("type", "private");
    } else {
      chat.put("id", -1000000000001L).put("type", "channel").put("username", chatId.asText());
    }
    message.put("date", clock().instant().getEpochSecond());
    message.put("text", body.get("text").asText());
    return answer.toString();
  }
}

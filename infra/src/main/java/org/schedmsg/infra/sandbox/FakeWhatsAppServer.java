package org.schedmsg.infra.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A local stand-in for the WhatsApp Cloud API's {@code POST /v23.0/<phone-number-id>/messages},
 * answered in the Graph API's shapes: {@code {"messaging_product":"whatsapp","contacts":[..],
 * "messages":[{"id":"wamid..."}]}} or {@code {"error":{"message","type","code",
 * "error_data","fbtrace_id"}}}.
 *
 * <p>A missing or wrong {@code Authorization: Bearer} token gets 401 with code 190; another phone
 * number id 400 with code 100; a body without {@code messaging_product}, {@code to}, {@code type}
 * (or {@code text.body} for a text message, {@code template.name} and {@code
 * template.language.code} for a template message) 400 with code 100. HTTP statuses follow Meta's
 * error code reference (most errors, rate limits included, are 400). {@link #acceptOnlyToken}
 * switches the accepted token (an expired token, later fixed).
 *
 * <p>With {@link #sendStatusCallbacks} set, every accepted message is followed by signed webhook
 * status notifications ({@code delivered}, then {@code read}; or {@code failed} with the code
 * scripted by {@link #failReceiptsFor}), as Meta sends them.
 */
public final class FakeWhatsAppServer extends FakePlatformServer {
  public static final String API_VERSION = "v23.0";

  private volatile String accessToken;
  private final String phoneNumberId;
  private final AtomicLong messageIds = new AtomicLong();
  private volatile WhatsAppStatusCallbacks callbacks;

  private FakeWhatsAppServer(int port, String accessToken, String phoneNumberId, Clock clock) {
    super(port, clock);
    this.accessToken = Objects.requireNonNull(accessToken, "accessToken");
    this.phoneNumberId = Objects.requireNonNull(phoneNumberId, "phoneNumberId");
  }

  /** Starts a fake on {@code port} (0 picks a free one) for one phone number and token. */
  public static FakeWhatsAppServer start(int port, String accessToken, String phoneNumberId) {
    return start(port, accessToken, phoneNumberId, Clock.systemUTC());
  }

  public static FakeWhatsAppServer start(
      int port, String accessToken, String phoneNumberId, Clock clock) {
    return new FakeWhatsAppServer(port, accessToken, phoneNumberId, clock);
  }

  /** From now on accepts only {@code newToken} (an expired token, or one fixed later). */
  @Override
  public void acceptOnlyToken(String newToken) {
    this.accessToken = Objects.requireNonNull(newToken, "newToken");
  }

  /**
   * From now on follows every accepted message with status notifications to {@code webhook}, signed
   * with {@code appSecret}: {@code delivered} after {@code interval}, {@code read} after twice that
   * (a message to a recipient of {@link #failReceiptsFor}: one {@code failed}).
   */
  public void sendStatusCallbacks(URI webhook, String appSecret, Duration interval) {
    WhatsAppStatusCallbacks previous = callbacks;
    callbacks = new WhatsAppStatusCallbacks(webhook, appSecret, phoneNumberId, interval, clock());
    if (previous != null) {
      previous.close();
    }
  }

  /** Messages to {@code recipient} get a {@code failed} status with {@code code} (e.g. 131026). */
  @Override
  public void failReceiptsFor(String recipient, int code) {
    WhatsAppStatusCallbacks current = callbacks;
    if (current == null) {
      throw new IllegalArgumentException("status callbacks are not configured");
    }
    current.failFor(Objects.requireNonNull(recipient, "recipient"), code);
  }

  /** One webhook notification with one status, in Meta's format (see the callbacks). */
  public static String statusNotification(
      String phoneNumberId,
      String wamid,
      String status,
      String recipientId,
      long epochSeconds,
      Integer errorCode) {
    return WhatsAppStatusCallbacks.statusPayload(
        phoneNumberId, wamid, status, recipientId, epochSeconds, errorCode);
  }

  /** {@code sha256=<hex HMAC-SHA256 of body>}: Meta's {@code X-Hub-Signature-256} header. */
  public static String signature(String appSecret, String body) {
    return "sha256="
        + WhatsAppStatusCallbacks.sign(appSecret.getBytes(StandardCharsets.UTF_8), body);
  }

  @Override
  public void reset() {
    super.reset();
    WhatsAppStatusCallbacks current = callbacks;
    if (current != null) {
      current.reset();
    }
  }

  @Override
  public void close() {
    WhatsAppStatusCallbacks current = callbacks;
    if (current != null) {
      current.close();
    }
    super.close();
  }

  @Override
  Map<String, Supplier<ScriptedResponse>> namedErrors() {
    return Map.of(
        "re_engagement_required", FakeWhatsAppServer::reEngagementRequired,
        "undeliverable", FakeWhatsAppServer::undeliverable,
        "rate_limit", FakeWhatsAppServer::rateLimitHit,
        "pair_rate_limit", FakeWhatsAppServer::pairRateLimitHit,
        "invalid_token", FakeWhatsAppServer::invalidToken,
        "internal_error", FakeWhatsAppServer::internalError);
  }

  /**
   * {@code http://127.0.0.1:<port>/v23.0}; a client appends {@code /<phone-number-id>/messages}.
   */
  @Override
  public String baseUrl() {
    return origin() + "/" + API_VERSION;
  }

  /** 131047: more than 24 hours since the customer last replied (HTTP 400). */
  public static ScriptedResponse reEngagementRequired() {
    return error(
        400,
        131047,
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer last"
            + " replied to this number.");
  }

  /** 131026: the recipient cannot receive the message (HTTP 400). */
  public static ScriptedResponse undeliverable() {
    return error(400, 131026, "Message Undeliverable", "Message Undeliverable.");
  }

  /** 130429: Cloud API throughput reached (HTTP 400). */
  public static ScriptedResponse rateLimitHit() {
    return error(400, 130429, "Rate limit hit", "Cloud API message throughput has been reached.");
  }

  /** 131056: too many messages to the same recipient (HTTP 400). */
  public static ScriptedResponse pairRateLimitHit() {
    return error(
        400,
        131056,
        "(Business Account, Consumer Account) pair rate limit hit",
        "Message failed to send because there were too many messages sent from this phone number"
            + " to the same phone number in a short period of time.");
  }

  /** 190: expired or invalid access token (HTTP 401). */
  public static ScriptedResponse invalidToken() {
    return error(401, 190, "Error validating access token: Session has expired", null);
  }

  /** 131000: something went wrong (HTTP 500). */
  public static ScriptedResponse internalError() {
    return error(500, 131000, "Something went wrong", "Something went wrong.");
  }

  /** A Graph API error answer; {@code details} (or null) goes to {@code error_data.details}. */
  public static ScriptedResponse error(int status, int code, String title, String details) {
    ObjectNode body = MAPPER.createObjectNode();
    ObjectNode error = body.putObject("error");
    error
        .put("message", "(#" + code + ") " + title)
        .put("type", "OAuthException")
        .put("code", code);
    if (details != null) {
      error.putObject("error_data").put("messaging_product", "whatsapp").put("details", details);
    }
    error.put("fbtrace_id", "ASandboxTraceId" + code);
    return ScriptedResponse.json(status, body.toString());
  }

  @Override
  ScriptedResponse rejectRequest(HttpExchange exchange) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null) {
      return error(401, 104, "An access token is required to request this resource", null);
    }
    if (!authorization.equals("Bearer " + accessToken)) {
      return error(401, 190, "Invalid OAuth access token - Cannot parse access token", null);
    }
    String path = exchange.getRequestURI().getPath();
    if (!path.equals("/" + API_VERSION + "/" + phoneNumberId + "/messages")
        || !"POST".equals(exchange.getRequestMethod())) {
      return error(
          400,
          100,
          "Unsupported post request. Object does not exist, cannot be loaded"
              + " due to missing permissions, or does not support this operation",
          null);
    }
    return null;
  }

  @Override
  String redactedPath(HttpExchange exchange) {
    return exchange.getRequestURI().getPath();
  }

  @Override
  ScriptedResponse validate(JsonNode body) {
    if (!"whatsapp".equals(text(body, "messaging_product"))) {
      return missing("messaging_product");
    }
    if (text(body, "to") == null || text(body, "to").isBlank()) {
      return missing("to");
    }
    String type = text(body, "type");
    if (type == null) {
      return missing("type");
    }
    if ("text".equals(type)) {
      JsonNode textObject = body.get("text");
      if (textObject == null
          || text(textObject, "body") == null
          || text(textObject, "body").isBlank()) {
        return missing("text['body']");
      }
    }
    if ("template".equals(type)) {
      JsonNode template = body.get("template");
      if (template == null || text(template, "name") == null || text(template, "name").isBlank()) {
        return missing("template['name']");
      }
      if (!template.path("language").path("code").isTextual()) {
        return missing("template['language']['code']");
      }
    }
    return null;
  }

  @Override
  ScriptedResponse malformedBody() {
    return error(400, 100, "Invalid parameter", "Request body is not valid JSON.");
  }

  @Override
  String recipientOf(JsonNode body) {
    return text(body, "to");
  }

  @Override
  String successBody(JsonNode body) {
    ObjectNode answer = MAPPER.createObjectNode().put("messaging_product", "whatsapp");
    String to = text(body, "to");
    answer.putArray("contacts").addObject().put("input", to).put("wa_id", to.replaceAll("\\D", ""));
    String wamid = String.format("wamid.SANDBOX%012d", messageIds.incrementAndGet());
    answer.putArray("messages").addObject().put("id", wamid);
    WhatsAppStatusCallbacks current = callbacks;
    if (current != null) {
      current.accepted(wamid, to);
    }
    return answer.toString();
  }

  private static ScriptedResponse missing(String parameter) {
    return error(400, 100, "Invalid parameter", "The parameter " + parameter + " is required.");
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }
}

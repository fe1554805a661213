package org.schedmsg.sender.telegram.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import org.schedmsg.sender.core.client.SendResult;

/**
 * The one mapping of Bot API answers to {@link SendResult}s (the module README has it as a table).
 * Reasons are {@code telegram:<error_code>} or {@code telegram:<error_code>:<slug>}, where the slug
 * is the description after its first colon, lower case, non-alphanumerics as {@code _}, at most
 * {@value #MAX_SLUG_LENGTH} characters.
 *
 * <ul>
 *   <li>2xx with {@code ok:true} and {@code result.message_id} -> Delivered;
 *   <li>429 -> RateLimited for the whole bot, {@code parameters.retry_after} seconds;
 *   <li>401, 404 (token rejected or malformed) -> Fatal ({@code telegram:401_unauthorized}, {@code
 *       telegram:404_not_found});
 *   <li>5xx -> Ambiguous({@code telegram:<code>}): Telegram may have sent it;
 *   <li>other 4xx (400 chat not found, 403 bot blocked, ...) -> Permanent with the slug (a 400 with
 *       {@code parameters.migrate_to_chat_id} is resent by the client first);
 *   <li>2xx that cannot be read -> Permanent({@code telegram:unreadable_success_response}): the
 *       message was probably sent, so it is not retried.
 * </ul>
 */
public final class TelegramResponses {
  static final int MAX_SLUG_LENGTH = 60;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TelegramResponses() {}

  /** Classifies an answer with HTTP {@code status} and {@code body} (JSON or not). */
  public static SendResult classify(int status, String body) {
    JsonNode json = parse(body);
    if (status >= 200 && status < 300) {
      JsonNode messageId = json.path("result").path("message_id");
      return json.path("ok").asBoolean(false) && messageId.isIntegralNumber()
          ? new SendResult.Delivered(messageId.asText())
          : new SendResult.Permanent("telegram:unreadable_success_response");
    }
    int code =
        json.path("error_code").canConvertToInt() && json.path("error_code").asInt() > 0
            ? json.path("error_code").asInt()
            : status;
    if (code == 429) {
      JsonNode retryAfter = json.path("parameters").path("retry_after");
      return new SendResult.RateLimited(
          "telegram:429",
          SendResult.Scope.PLATFORM,
          retryAfter.canConvertToLong() ? Duration.ofSeconds(retryAfter.asLong()) : null);
    }
    if (code == 401) {
      return new SendResult.Fatal("telegram:401_unauthorized");
    }
    if (code == 404) {
      return new SendResult.Fatal("telegram:404_not_found");
    }
    if (code >= 400 && code < 500) {
      String slug = slug(json.path("description").asText(""));
      return new SendResult.Permanent("telegram:" + code + (slug.isEmpty() ? "" : ":" + slug));
    }
    return new SendResult.Ambiguous("telegram:" + code);
  }

  /** The {@code parameters.migrate_to_chat_id} of a 400 answer, or null. */
  public static Long migrateToChatId(int status, String body) {
    if (status != 400) {
      return null;
    }
    JsonNode id = parse(body).path("parameters").path("migrate_to_chat_id");
    return id.isIntegralNumber() ? id.asLong() : null;
  }

  /** {@code "Bad Request: chat not found"} -> {@code chat_not_found}. */
  static String slug(String description) {
    int colon = description.indexOf(':');
    String detail = colon < 0 ? description : description.substring(colon + 1);
    String slug =
        detail.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    return slug.length() <= MAX_SLUG_LENGTH
        ? slug
        : slug.substring(0, MAX_SLUG_LENGTH).replaceAll("_+$", "");
  }

  private static JsonNode parse(String body) {
    try {
      JsonNode json = body == null || body.isBlank() ? null : MAPPER.readTree(body);
      return json == null ? MAPPER.missingNode() : json;
    } catch (IOException e) {
      return MAPPER.missingNode();
    }
  }
}

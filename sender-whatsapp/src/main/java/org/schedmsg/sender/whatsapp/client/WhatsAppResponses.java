package org.schedmsg.sender.whatsapp.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.whatsapp.client.WhatsAppErrorCodes.ErrorClass;

/**
 * Maps Cloud API answers to {@link SendResult}s (the module README has the table). Reasons are
 * {@code whatsapp:<code>} (the Graph API {@code error.code}), {@code whatsapp:190_invalid_token}
 * for a rejected token, or {@code whatsapp:http_<status>} when the answer has no error code.
 *
 * <ol>
 *   <li>2xx with {@code messages[0].id} -> Delivered(wamid); another 2xx -> Permanent({@code
 *       whatsapp:unreadable_success_response}) (probably sent: not retried);
 *   <li>code 190 or HTTP 401 -> Fatal({@code whatsapp:190_invalid_token});
 *   <li>a code in {@link WhatsAppErrorCodes}, by its class;
 *   <li>an unknown code or none: Retryable when {@code is_transient} is true or HTTP is 429,
 *       Ambiguous when HTTP is 5xx (Meta may have sent it), else Permanent.
 * </ol>
 */
public final class WhatsAppResponses {
  static final String INVALID_TOKEN = "whatsapp:190_invalid_token";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private WhatsAppResponses() {}

  public static SendResult classify(int status, String body) {
    JsonNode json = parse(body);
    if (status >= 200 && status < 300) {
      JsonNode id = json.path("messages").path(0).path("id");
      return id.isTextual() && !id.asText().isBlank()
          ? new SendResult.Delivered(id.asText())
          : new SendResult.Permanent("whatsapp:unreadable_success_response");
    }
    JsonNode error = json.path("error");
    Integer code = codeOf(error.path("code"));
    if (status == 401 || (code != null && code == 190)) {
      return new SendResult.Fatal(INVALID_TOKEN);
    }
    if (code == null) {
      return byStatus(status, false, "whatsapp:http_" + status);
    }
    ErrorClass known = WhatsAppErrorCodes.classOf(code);
    String reason = "whatsapp:" + code;
    if (known == null) {
      return byStatus(status, error.path("is_transient").asBoolean(false), reason);
    }
    return switch (known) {
      case RATE_LIMITED -> new SendResult.RateLimited(reason, SendResult.Scope.PLATFORM, null);
      case RECIPIENT_RATE_LIMITED ->
          new SendResult.RateLimited(reason, SendResult.Scope.RECIPIENT, null);
      case TRANSIENT -> new SendResult.Retryable(reason);
      case FATAL -> new SendResult.Fatal(reason);
      case PERMANENT -> new SendResult.Permanent(reason);
    };
  }

  private static SendResult byStatus(int status, boolean transientError, String reason) {
    if (transientError || status == 429 || status < 400) {
      return new SendResult.Retryable(reason);
    }
    return status >= 500 ? new SendResult.Ambiguous(reason) : new SendResult.Permanent(reason);
  }

  /** The error code, a number (or, from some proxies, a string of digits); null if none. */
  private static Integer codeOf(JsonNode code) {
    if (code.isIntegralNumber() && code.canConvertToInt()) {
      return code.asInt();
    }
    return code.isTextual() && code.asText().matches("\\d{1,9}")
        ? Integer.valueOf(code.asText())
        : null;
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

package org.schedmsg.sender.whatsapp.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Objects;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.sender.core.client.PlatformClient;
import org.schedmsg.sender.core.client.PlatformHttpClient;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.whatsapp.config.WhatsAppSenderConfig;

/**
 * Sends a message with the Cloud API: {@code POST {base}/{phone-number-id}/messages}, {@code
 * Authorization: Bearer <token>}: a text message ({@code "type":"text"}), or a template message
 * ({@code "type":"template"}, {@link WhatsAppTemplate}) when the row has a {@code template_key}.
 * The recipient must be an E.164 number ({@code +} optional). The exchange (trace header,
 * whole-call deadline, body size cap, I/O failures) is sender-core's {@link PlatformHttpClient};
 * answers read whole are classified by {@link WhatsAppResponses}.
 *
 * <p>Logs carry message id, HTTP status and exception class only: never the token, the recipient,
 * the text, template parameters or a response body.
 */
public final class WhatsAppClient implements PlatformClient {
  public static final String DEFAULT_LANGUAGE = "en_US";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final PlatformHttpClient http;
  private final URI messages;
  private final String authorization;
  private final String defaultLanguage;

  /** A client whose template messages default to {@code en_US}. */
  public WhatsAppClient(
      HttpClient http, URI apiBaseUrl, String phoneNumberId, String accessToken, Duration timeout) {
    this(http, apiBaseUrl, phoneNumberId, accessToken, timeout, DEFAULT_LANGUAGE);
  }

  /**
   * @param timeout the deadline of each whole {@code messages} exchange, body included
   */
  public WhatsAppClient(
      HttpClient http,
      URI apiBaseUrl,
      String phoneNumberId,
      String accessToken,
      Duration timeout,
      String defaultLanguage) {
    this.http = new PlatformHttpClient(http, timeout, "messages");
    this.defaultLanguage = Objects.requireNonNull(defaultLanguage, "defaultLanguage");
    this.messages =
        URI.create(
            Objects.requireNonNull(apiBaseUrl, "apiBaseUrl")
                + "/"
                + Objects.requireNonNull(phoneNumberId, "phoneNumberId")
                + "/messages");
    this.authorization = "Bearer " + Objects.requireNonNull(accessToken, "accessToken");
  }

  /**
   * A client with its own {@link HttpClient}, connect and whole-call timeout from {@code config}.
   */
  public static WhatsAppClient create(WhatsAppSenderConfig config) {
    Duration timeout = config.core().httpTimeout();
    return new WhatsAppClient(
        PlatformHttpClient.newHttpClient(timeout),
        config.apiBaseUrl(),
        config.phoneNumberId(),
        config.accessToken(),
        timeout,
        config.templateLanguage());
  }

  @Override
  public SendResult send(DeliveryRequest request) {
    ObjectNode body;
    try {
      body = requestBody(request, defaultLanguage);
    } catch (WhatsAppTemplate.InvalidTemplateException e) {
      return new SendResult.Permanent(e.getMessage());
    } catch (InvalidRequestException e) {
      return new SendResult.Permanent(e.getMessage());
    }
    return http.post(
        HttpRequest.newBuilder(messages).header("Authorization", authorization),
        request,
        body.toString(),
        WhatsAppResponses::classify);
  }

  /** The text-message body with the default template language; for contract tests. */
  static ObjectNode requestBody(DeliveryRequest request) {
    return requestBody(request, DEFAULT_LANGUAGE);
  }

  /**
   * The body of {@code POST /{phone-number-id}/messages}: a template message when {@code
   * template_key} is set, else a text message. Throws (reason as message) when the row cannot make
   * a valid one: no or invalid recipient (E.164), no text, invalid template.
   */
  static ObjectNode requestBody(DeliveryRequest request, String defaultLanguage) {
    String to = request.recipientId() == null ? "" : request.recipientId().trim();
    if (to.isEmpty()) {
      throw new InvalidRequestException("whatsapp:no_recipient");
    }
    if (!Platform.WHATSAPP.isValidRecipient(to)) {
      throw new InvalidRequestException("whatsapp:invalid_recipient");
    }
    ObjectNode body =
        MAPPER
            .createObjectNode()
            .put("messaging_product", "whatsapp")
            .put("recipient_type", "individual")
            .put("to", to);
    if (request.templateKey() != null && !request.templateKey().isBlank()) {
      body.put("type", "template")
          .set("template", WhatsAppTemplate.build(request, defaultLanguage));
      return body;
    }
    if (request.text() == null || request.text().isBlank()) {
      throw new InvalidRequestException("whatsapp:no_text");
    }
    body.put("type", "text");
    body.putObject("text").put("preview_url", false).put("body", request.text());
    return body;
  }

  /** The row cannot make a valid request; the message is the reason. */
  static final class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidRequestException(String reason) {
      super(reason, null, false, false);
    }
  }
}

package org.schedmsg.sender.whatsapp.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.sender.core.client.PlatformHttpClient;
import org.schedmsg.sender.core.config.SenderConfig;

/**
 * The WhatsApp sender's settings: the shared {@link SenderConfig} plus the Cloud API access token,
 * the business phone number id and the Graph API base URL (with its version). The token is a secret
 * ({@code WHATSAPP_ACCESS_TOKEN}, or {@code WHATSAPP_ACCESS_TOKEN_FILE} naming a file): {@link
 * #toString()} hides it and errors never quote it.
 *
 * @param apiBaseUrl {@code https} ({@code http} only to a loopback host: the token goes in a
 *     header), without a trailing slash; the client appends {@code /<phoneNumberId>/messages}
 */
public record WhatsAppSenderConfig(
    SenderConfig core,
    String accessToken,
    String phoneNumberId,
    URI apiBaseUrl,
    String templateLanguage) {
  public static final String WHATSAPP_ACCESS_TOKEN = "WHATSAPP_ACCESS_TOKEN";
  public static final String WHATSAPP_PHONE_NUMBER_ID = "WHATSAPP_PHONE_NUMBER_ID";
  public static final String WHATSAPP_API_BASE_URL = "WHATSAPP_API_BASE_URL";
  public static final String WHATSAPP_TEMPLATE_LANGUAGE = "WHATSAPP_TEMPLATE_LANGUAGE";
  public static final String DEFAULT_API_BASE_URL = "https://graph.facebook.com/v23.0";
  public static final String DEFAULT_TEMPLATE_LANGUAGE = "en_US";

  /** Every key this sender reads, in README order: the shared ones, then WhatsApp's. */
  public static final List<String> KEYS =
      Stream.of(
              SenderConfig.KEYS.stream(),
              Stream.of(
                  WHATSAPP_ACCESS_TOKEN,
                  WHATSAPP_PHONE_NUMBER_ID,
                  WHATSAPP_API_BASE_URL,
                  WHATSAPP_TEMPLATE_LANGUAGE),
              WhatsAppWebhookConfig.KEYS.stream())
          .flatMap(s -> s)
          .toList();

  public WhatsAppSenderConfig {
    Objects.requireNonNull(core, "core");
    if (core.platform() != Platform.WHATSAPP) {
      throw new IllegalArgumentException("the core settings are not for the WhatsApp sender");
    }
    // printable ASCII without spaces: it goes into an HTTP header
    if (accessToken == null || !accessToken.matches("[\\x21-\\x7E]+")) {
      throw new IllegalArgumentException(
          WHATSAPP_ACCESS_TOKEN + " must be a token without spaces or control characters");
    }
    if (phoneNumberId == null || !phoneNumberId.matches("\\d+")) {
      throw new IllegalArgumentException(WHATSAPP_PHONE_NUMBER_ID + " must be a numeric id");
    }
    apiBaseUrl = PlatformHttpClient.requireSafeBaseUrl(apiBaseUrl, WHATSAPP_API_BASE_URL);
    if (templateLanguage == null || !templateLanguage.matches("[a-z]{2,3}(_[A-Z]{2})?")) {
      throw new IllegalArgumentException(
          WHATSAPP_TEMPLATE_LANGUAGE + " must be a language code such as en or en_US");
    }
  }

  public static WhatsAppSenderConfig fromEnv(Env env) {
    SenderConfig core = SenderConfig.fromEnv(env, Platform.WHATSAPP);
    return new WhatsAppSenderConfig(
        core,
        env.requiredSecret(WHATSAPP_ACCESS_TOKEN),
        env.required(WHATSAPP_PHONE_NUMBER_ID),
        parse(env.string(WHATSAPP_API_BASE_URL, DEFAULT_API_BASE_URL)),
        env.string(WHATSAPP_TEMPLATE_LANGUAGE, DEFAULT_TEMPLATE_LANGUAGE));
  }

  private static URI parse(String url) {
    try {
      return URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(WHATSAPP_API_BASE_URL + " is not a URL");
    }
  }

  @Override
  public String toString() {
    return "WhatsAppSenderConfig[core="
        + core
        + ", accessToken=<hidden>, phoneNumberId="
        + phoneNumberId
        + ", apiBaseUrl="
        + apiBaseUrl
        + ", templateLanguage="
        + templateLanguage
        + ']';
  }
}

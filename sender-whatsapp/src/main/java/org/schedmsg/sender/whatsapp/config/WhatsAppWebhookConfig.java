package org.schedmsg.sender.whatsapp.config;

import java.util.List;
import org.schedmsg.contracts.config.Env;

/**
 * The delivery-receipt webhook's settings: its port, Meta's app secret (the key of {@code
 * X-Hub-Signature-256}) and the verify token of the subscription handshake. Both secrets come from
 * the environment or from a file ({@code *_FILE}, e.g. a mounted secret, read by {@link
 * Env#secret}); {@link #toString()} hides them and errors never quote them. Without an app secret
 * the webhook does not start (the sender still sends; rows then stay {@code sent}).
 *
 * @param port 0 = any free port
 * @param appSecret null when receipts are disabled
 * @param verifyToken required with an app secret
 */
public record WhatsAppWebhookConfig(int port, String appSecret, String verifyToken) {
  public static final String WHATSAPP_WEBHOOK_PORT = "WHATSAPP_WEBHOOK_PORT";
  public static final String WHATSAPP_APP_SECRET = "WHATSAPP_APP_SECRET";
  public static final String WHATSAPP_APP_SECRET_FILE = "WHATSAPP_APP_SECRET_FILE";
  public static final String WHATSAPP_WEBHOOK_VERIFY_TOKEN = "WHATSAPP_WEBHOOK_VERIFY_TOKEN";
  public static final String WHATSAPP_WEBHOOK_VERIFY_TOKEN_FILE =
      "WHATSAPP_WEBHOOK_VERIFY_TOKEN_FILE";
  public static final int DEFAULT_PORT = 9410;

  /** The path Meta is configured to call, {@code https://<host>:<port>/webhooks/whatsapp}. */
  public static final String PATH = "/webhooks/whatsapp";

  /** Every key, in README order. */
  public static final List<String> KEYS =
      List.of(
          WHATSAPP_WEBHOOK_PORT,
          WHATSAPP_APP_SECRET,
          WHATSAPP_APP_SECRET_FILE,
          WHATSAPP_WEBHOOK_VERIFY_TOKEN,
          WHATSAPP_WEBHOOK_VERIFY_TOKEN_FILE);

  public WhatsAppWebhookConfig {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(WHATSAPP_WEBHOOK_PORT + " must be a port (0 to 65535)");
    }
    if (appSecret != null && appSecret.isBlank()) {
      throw new IllegalArgumentException(WHATSAPP_APP_SECRET + " must not be blank");
    }
    if (appSecret != null && (verifyToken == null || verifyToken.isBlank())) {
      throw new IllegalArgumentException(
          WHATSAPP_WEBHOOK_VERIFY_TOKEN + " is required when " + WHATSAPP_APP_SECRET + " is set");
    }
  }

  public static WhatsAppWebhookConfig fromEnv(Env env) {
    return new WhatsAppWebhookConfig(
        env.integer(WHATSAPP_WEBHOOK_PORT, DEFAULT_PORT),
        env.secret(WHATSAPP_APP_SECRET).orElse(null),
        env.secret(WHATSAPP_WEBHOOK_VERIFY_TOKEN).orElse(null));
  }

  /** Whether the webhook runs (an app secret is configured). */
  public boolean enabled() {
    return appSecret != null;
  }

  @Override
  public String toString() {
    return "WhatsAppWebhookConfig[port="
        + port
        + ", enabled="
        + enabled()
        + ", appSecret=<hidden>, verifyToken=<hidden>]";
  }
}

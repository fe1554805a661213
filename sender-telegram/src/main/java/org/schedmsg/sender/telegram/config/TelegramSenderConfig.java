package org.schedmsg.sender.telegram.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.sender.core.client.PlatformHttpClient;
import org.schedmsg.sender.core.config.SenderConfig;

/**
 * The Telegram sender's settings: the shared {@link SenderConfig} plus the bot token and the Bot
 * API base URL. The token is a secret ({@code TELEGRAM_BOT_TOKEN}, or {@code
 * TELEGRAM_BOT_TOKEN_FILE} naming a file): {@link #toString()} hides it and errors never quote it.
 *
 * @param apiBaseUrl {@code https} ({@code http} only to a loopback host: the token goes in the
 *     path), without a trailing slash; the client appends {@code /bot<token>/sendMessage}
 */
public record TelegramSenderConfig(SenderConfig core, String botToken, URI apiBaseUrl) {
  public static final String TELEGRAM_BOT_TOKEN = "TELEGRAM_BOT_TOKEN";
  public static final String TELEGRAM_API_BASE_URL = "TELEGRAM_API_BASE_URL";
  public static final String DEFAULT_API_BASE_URL = "https://api.telegram.org";

  /** Every key this sender reads, in README order: the shared ones, then Telegram's. */
  public static final List<String> KEYS =
      Stream.concat(
              SenderConfig.KEYS.stream(), Stream.of(TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL))
          .toList();

  public TelegramSenderConfig {
    Objects.requireNonNull(core, "core");
    if (core.platform() != Platform.TELEGRAM) {
      throw new IllegalArgumentException("the core settings are not for the Telegram sender");
    }
    if (botToken == null || !botToken.matches("[A-Za-z0-9:_-]+")) {
      throw new IllegalArgumentException(
          TELEGRAM_BOT_TOKEN + " must be a bot token (letters, digits, ':', '_', '-')");
    }
    apiBaseUrl = PlatformHttpClient.requireSafeBaseUrl(apiBaseUrl, TELEGRAM_API_BASE_URL);
  }

  public static TelegramSenderConfig fromEnv(Env env) {
    SenderConfig core = SenderConfig.fromEnv(env, Platform.TELEGRAM);
    String token = env.requiredSecret(TELEGRAM_BOT_TOKEN);
    return new TelegramSenderConfig(
        core, token, parse(env.string(TELEGRAM_API_BASE_URL, DEFAULT_API_BASE_URL)));
  }

  private static URI parse(String url) {
    try {
      return URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(TELEGRAM_API_BASE_URL + " is not a URL");
    }
  }

  @Override
  public String toString() {
    return "TelegramSenderConfig[core="
        + core
        + ", botToken=<hidden>, apiBaseUrl="
        + apiBaseUrl
        + ']';
  }
}

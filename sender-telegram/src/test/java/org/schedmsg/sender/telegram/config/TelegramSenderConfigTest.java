package org.schedmsg.sender.telegram.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.sender.core.config.SenderConfig;
import org.schedmsg.sender.core.testing.ReadmeConfigTable;

class TelegramSenderConfigTest {
  private static final String TOKEN = "123456:AAE-secret_token";

  private static Map<String, String> required() {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", "jdbc:postgresql://db:5432/schedmsg");
    env.put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
    env.put("TELEGRAM_BOT_TOKEN", TOKEN);
    return env;
  }

  @Test
  void shouldUseDefaultsWhenOnlyRequiredKeysSet() {
    TelegramSenderConfig config = TelegramSenderConfig.fromEnv(new Env(required()));

    assertThat(config.apiBaseUrl()).isEqualTo(URI.create("https://api.telegram.org"));
    assertThat(config.botToken()).isEqualTo(TOKEN);
    assertThat(config.core().platform()).isEqualTo(Platform.TELEGRAM);
    assertThat(config.core().groupId()).isEqualTo("schedmsg-sender-telegram");
  }

  @Test
  void shouldDropTrailingSlashWhenBaseUrlHasOne() {
    Map<String, String> env = required();
    env.put("TELEGRAM_API_BASE_URL", "http://localhost:8081/");

    assertThat(TelegramSenderConfig.fromEnv(new Env(env)).apiBaseUrl())
        .isEqualTo(URI.create("http://localhost:8081"));
  }

  @Test
  void shouldRefuseHttpBaseUrlNamingKeyWhenHostIsNotLoopback() {
    for (String url : new String[] {"http://api.telegram.org", "http://10.0.0.7:8081"}) {
      Map<String, String> env = required();
      env.put("TELEGRAM_API_BASE_URL", url);

      assertThatThrownBy(() -> TelegramSenderConfig.fromEnv(new Env(env)))
          .as(url)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("TELEGRAM_API_BASE_URL must be an https:// URL")
          .hasMessageNotContaining(URI.create(url).getHost())
          .hasMessageNotContaining(TOKEN);
    }
  }

  @Test
  void shouldAllowHttpBaseUrlWhenHostIsLoopback() {
    for (String url :
        new String[] {"http://localhost:8081", "http://127.0.0.1:18081", "http://[::1]:18081"}) {
      Map<String, String> env = required();
      env.put("TELEGRAM_API_BASE_URL", url);

      assertThat(TelegramSenderConfig.fromEnv(new Env(env)).apiBaseUrl())
          .isEqualTo(URI.create(url));
    }
  }

  @Test
  void shouldNameKeyWhenTokenMissing() {
    Map<String, String> env = required();
    env.remove("TELEGRAM_BOT_TOKEN");

    assertThatThrownBy(() -> TelegramSenderConfig.fromEnv(new Env(env)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TELEGRAM_BOT_TOKEN");
  }

  @Test
  void shouldNameKeyButNotValueWhenTokenOrUrlInvalid() {
    Map<String, String> env = required();
    env.put("TELEGRAM_BOT_TOKEN", "12/../secret value");
    assertThatThrownBy(() -> TelegramSenderConfig.fromEnv(new Env(env)))
        .hasMessageContaining("TELEGRAM_BOT_TOKEN")
        .hasMessageNotContaining("secret value");

    Map<String, String> url = required();
    url.put("TELEGRAM_API_BASE_URL", "ftp://files");
    assertThatThrownBy(() -> TelegramSenderConfig.fromEnv(new Env(url)))
        .hasMessageContaining("TELEGRAM_API_BASE_URL");
  }

  @Test
  void shouldHideTokenAndPasswordWhenPrinted() {
    Map<String, String> env = required();
    env.put("DATABASE_PASSWORD", "db-secret");

    String printed = TelegramSenderConfig.fromEnv(new Env(env)).toString();

    assertThat(printed)
        .doesNotContain(TOKEN)
        .doesNotContain("secret_token")
        .doesNotContain("db-secret")
        .contains("api.telegram.org");
  }

  @Test
  void shouldListEveryKeyWithDefaultWhenReadmeDocumentsConfig() throws Exception {
    Map<String, String> table = ReadmeConfigTable.read(Path.of("README.md"));

    assertThat(table.keySet()).containsExactlyElementsOf(TelegramSenderConfig.KEYS);
    assertThat(table)
        .containsEntry("TELEGRAM_BOT_TOKEN", "(required)")
        .containsEntry("TELEGRAM_API_BASE_URL", TelegramSenderConfig.DEFAULT_API_BASE_URL)
        .containsEntry("SENDER_MAX_ATTEMPTS", String.valueOf(SenderConfig.DEFAULT_MAX_ATTEMPTS))
        .containsEntry(
            "SENDER_HTTP_TIMEOUT", ReadmeConfigTable.format(SenderConfig.DEFAULT_HTTP_TIMEOUT))
        .containsEntry(
            "SENDER_POLL_TIMEOUT", ReadmeConfigTable.format(SenderConfig.DEFAULT_POLL_TIMEOUT))
        .containsEntry("SENDER_GROUP_ID", "<namespace>-sender-telegram");
  }

  @Test
  void shouldReadBotTokenFromFileWhenFileVariableSet(@TempDir Path dir) throws IOException {
    Map<String, String> env = required();
    env.remove("TELEGRAM_BOT_TOKEN");
    env.put(
        "TELEGRAM_BOT_TOKEN_FILE", Files.writeString(dir.resolve("t"), TOKEN + "\n").toString());

    assertThat(TelegramSenderConfig.fromEnv(new Env(env)).botToken()).isEqualTo(TOKEN);
  }
}

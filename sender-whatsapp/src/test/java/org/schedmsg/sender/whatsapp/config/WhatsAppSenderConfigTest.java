package org.schedmsg.sender.whatsapp.config;

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

class WhatsAppSenderConfigTest {
  private static final String TOKEN = "EAAGm0PX4ZCpsBAsecret";

  private static Map<String, String> required() {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", "jdbc:postgresql://db:5432/schedmsg");
    env.put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
    env.put("WHATSAPP_ACCESS_TOKEN", TOKEN);
    env.put("WHATSAPP_PHONE_NUMBER_ID", "106540352242922");
    return env;
  }

  @Test
  void shouldUseDefaultsWhenOnlyRequiredKeysSet() {
    WhatsAppSenderConfig config = WhatsAppSenderConfig.fromEnv(new Env(required()));

    assertThat(config.apiBaseUrl()).isEqualTo(URI.create("https://graph.facebook.com/v23.0"));
    assertThat(config.phoneNumberId()).isEqualTo("106540352242922");
    assertThat(config.core().platform()).isEqualTo(Platform.WHATSAPP);
    assertThat(config.core().groupId()).isEqualTo("schedmsg-sender-whatsapp");
  }

  @Test
  void shouldRefuseHttpBaseUrlNamingKeyWhenHostIsNotLoopback() {
    for (String url :
        new String[] {"http://graph.facebook.com/v23.0", "http://192.168.1.20:18082/v23.0"}) {
      Map<String, String> env = required();
      env.put("WHATSAPP_API_BASE_URL", url);

      assertThatThrownBy(() -> WhatsAppSenderConfig.fromEnv(new Env(env)))
          .as(url)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("WHATSAPP_API_BASE_URL must be an https:// URL")
          .hasMessageNotContaining(URI.create(url).getHost());
    }
  }

  @Test
  void shouldAllowHttpBaseUrlWhenHostIsLoopback() {
    for (String url :
        new String[] {
          "http://localhost:18082/v23.0", "http://127.0.0.1:18082/v23.0", "http://[::1]:18082/v23.0"
        }) {
      Map<String, String> env = required();
      env.put("WHATSAPP_API_BASE_URL", url);

      assertThat(WhatsAppSenderConfig.fromEnv(new Env(env)).apiBaseUrl())
          .isEqualTo(URI.create(url));
    }
  }

  @Test
  void shouldNameKeyWhenRequiredKeyMissing() {
    for (String key : new String[] {"WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"}) {
      Map<String, String> env = required();
      env.remove(key);

      assertThatThrownBy(() -> WhatsAppSenderConfig.fromEnv(new Env(env)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(key);
    }
  }

  @Test
  void shouldNameKeyButNotValueWhenValueInvalid() {
    Map<String, String> env = required();
    env.put("WHATSAPP_ACCESS_TOKEN", "secret\u0001value");
    assertThatThrownBy(() -> WhatsAppSenderConfig.fromEnv(new Env(env)))
        .hasMessageContaining("WHATSAPP_ACCESS_TOKEN")
        .hasMessageNotContaining("secret");

    Map<String, String> id = required();
    id.put("WHATSAPP_PHONE_NUMBER_ID", "+1 650");
    assertThatThrownBy(() -> WhatsAppSenderConfig.fromEnv(new Env(id)))
        .hasMessageContaining("WHATSAPP_PHONE_NUMBER_ID");

    Map<String, String> url = required();
    url.put("WHATSAPP_API_BASE_URL", "graph.facebook.com");
    assertThatThrownBy(() -> WhatsAppSenderConfig.fromEnv(new Env(url)))
        .hasMessageContaining("WHATSAPP_API_BASE_URL");
  }

  @Test
  void shouldHideTokenAndPasswordWhenPrinted() {
    Map<String, String> env = required();
    env.put("DATABASE_PASSWORD", "db-secret");

    String printed = WhatsAppSenderConfig.fromEnv(new Env(env)).toString();

    assertThat(printed)
        .doesNotContain(TOKEN)
        .doesNotContain("db-secret")
        .contains("graph.facebook.com/v23.0");
  }

  @Test
  void shouldListEveryKeyWithDefaultWhenReadmeDocumentsConfig() throws Exception {
    Map<String, String> table = ReadmeConfigTable.read(Path.of("README.md"));

    assertThat(table.keySet()).containsExactlyElementsOf(WhatsAppSenderConfig.KEYS);
    assertThat(table)
        .containsEntry("WHATSAPP_ACCESS_TOKEN", "(required)")
        .containsEntry("WHATSAPP_PHONE_NUMBER_ID", "(required)")
        .containsEntry("WHATSAPP_API_BASE_URL", WhatsAppSenderConfig.DEFAULT_API_BASE_URL)
        .containsEntry("SENDER_MAX_ATTEMPTS", String.valueOf(SenderConfig.DEFAULT_MAX_ATTEMPTS))
        .containsEntry(
            "SENDER_HTTP_TIMEOUT", ReadmeConfigTable.format(SenderConfig.DEFAULT_HTTP_TIMEOUT))
        .containsEntry(
            "SENDER_POLL_TIMEOUT", ReadmeConfigTable.format(SenderConfig.DEFAULT_POLL_TIMEOUT))
        .containsEntry("SENDER_GROUP_ID", "<namespace>-sender-whatsapp");
  }

  @Test
  void shouldReadAccessTokenFromFileWhenFileVariableSet(@TempDir Path dir) throws IOException {
    Map<String, String> env = required();
    env.remove("WHATSAPP_ACCESS_TOKEN");
    env.put(
        "WHATSAPP_ACCESS_TOKEN_FILE", Files.writeString(dir.resolve("t"), TOKEN + "\n").toString());

    assertThat(WhatsAppSenderConfig.fromEnv(new Env(env)).accessToken()).isEqualTo(TOKEN);
  }

  @Test
  void shouldRefuseAccessTokenWhenGivenAsVariableAndAsFile(@TempDir Path dir) throws IOException {
    Map<String, String> env = required();
    env.put("WHATSAPP_ACCESS_TOKEN_FILE", Files.writeString(dir.resolve("t"), TOKEN).toString());

    assertThatThrownBy(() -> WhatsAppSenderConfig.fromEnv(new Env(env)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("WHATSAPP_ACCESS_TOKEN_FILE")
        .hasMessageNotContaining(TOKEN);
  }
}

package org.schedmsg.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.contracts.config.Env;

class EnvTest {
  @TempDir Path dir;

  @Test
  void shouldParseDurationsWhenGivenUnitsOrIso() {
    Env env = new Env(Map.of("A", "100ms", "B", "30s", "C", "5m", "D", "PT2S", "F", "7d"));
    assertThat(env.duration("A", Duration.ZERO)).isEqualTo(Duration.ofMillis(100));
    assertThat(env.duration("B", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
    assertThat(env.duration("C", Duration.ZERO)).isEqualTo(Duration.ofMinutes(5));
    assertThat(env.duration("D", Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
    assertThat(env.duration("E", Duration.ofDays(1))).isEqualTo(Duration.ofDays(1));
    assertThat(env.duration("F", Duration.ZERO)).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void shouldNameKeyButNotValueWhenInvalid() {
    Env env = new Env(Map.of("SECRET_NUMBER", "hunter2"));
    assertThatThrownBy(() -> env.integer("SECRET_NUMBER", 1))
        .hasMessageContaining("SECRET_NUMBER")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> env.required("MISSING")).hasMessageContaining("MISSING");
  }

  @Test
  void shouldTreatBlankAsAbsentWhenRead() {
    Env env = new Env(Map.of("A", "  "));
    assertThat(env.string("A", "dflt")).isEqualTo("dflt");
  }

  @Test
  void shouldReadSecretFromFileWithoutTrailingLineBreakWhenFileVariableSet() throws IOException {
    Path file = Files.writeString(dir.resolve("token"), " tok:en \r\n\n");
    Env env = new Env(Map.of("TELEGRAM_BOT_TOKEN_FILE", file.toString()));

    assertThat(env.secret("TELEGRAM_BOT_TOKEN")).contains(" tok:en ");
    assertThat(env.requiredSecret("TELEGRAM_BOT_TOKEN")).isEqualTo(" tok:en ");
  }

  @Test
  void shouldReadSecretFromVariableWhenNoFileVariableSet() {
    Env env = new Env(Map.of("DATABASE_PASSWORD", "pw"));

    assertThat(env.secret("DATABASE_PASSWORD")).contains("pw");
    assertThat(env.secret("WHATSAPP_ACCESS_TOKEN")).isEmpty();
  }

  @Test
  void shouldRefuseSecretWhenVariableAndFileVariableBothSet() throws IOException {
    Path file = Files.writeString(dir.resolve("pw"), "from-file");
    Env env =
        new Env(Map.of("DATABASE_PASSWORD", "hunter2", "DATABASE_PASSWORD_FILE", file.toString()));

    assertThatThrownBy(() -> env.secret("DATABASE_PASSWORD"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DATABASE_PASSWORD_FILE")
        .hasMessageNotContaining("hunter2")
        .hasMessageNotContaining("from-file");
  }

  @Test
  void shouldNameVariableAndPathWhenSecretFileIsMissingOrEmpty() throws IOException {
    Path missing = dir.resolve("absent");
    Path empty = Files.writeString(dir.resolve("empty"), "\n");

    assertThatThrownBy(() -> new Env(Map.of("X_FILE", missing.toString())).secret("X"))
        .hasMessageContaining("X_FILE")
        .hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> new Env(Map.of("X_FILE", empty.toString())).secret("X"))
        .hasMessageContaining("X_FILE")
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> new Env(Map.of()).requiredSecret("X"))
        .hasMessageContaining("X")
        .hasMessageContaining("X_FILE");
  }

  @Test
  void shouldListOnlyNonBlankKeysWithPrefixWhenAsked() {
    Env env =
        new Env(
            Map.of(
                "KAFKA_CLIENT_B", "1", "KAFKA_CLIENT_A", "2", "KAFKA_CLIENT_C", " ", "OTHER", "3"));

    assertThat(env.keysStartingWith("KAFKA_CLIENT_"))
        .containsExactly("KAFKA_CLIENT_A", "KAFKA_CLIENT_B");
  }
}

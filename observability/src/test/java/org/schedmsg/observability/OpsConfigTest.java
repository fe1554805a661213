package org.schedmsg.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.schedmsg.contracts.config.Env;

class OpsConfigTest {
  private static OpsConfig fromEnv(Map<String, String> env) {
    return OpsConfig.fromEnv(new Env(env), OpsConfig.SCHEDULER_PORT);
  }

  @Test
  void shouldUseAppDefaultWhenPortIsNotSet() {
    assertThat(fromEnv(Map.of()).port()).isEqualTo(9402);
    assertThat(fromEnv(Map.of("OPS_PORT", "0")).port()).isZero();
  }

  @Test
  void shouldNameKeyWhenPortIsInvalid() {
    assertThatThrownBy(() -> fromEnv(Map.of("OPS_PORT", "70000"))).hasMessageContaining("OPS_PORT");
  }

  @Test
  void shouldListenOnEveryIpv4InterfaceWithDefaultBoundsWhenOnlyThePortIsGiven() {
    OpsConfig config = new OpsConfig(9401);

    assertThat(config.bindAddress().getHostAddress()).isEqualTo("0.0.0.0");
    assertThat(config.checkTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.exchangeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(fromEnv(Map.of())).isEqualTo(new OpsConfig(9402));
  }

  @Test
  void shouldAcceptIpLiteralsAndLocalhostWhenBindAddressIsSet() {
    assertThat(bind("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(bind("10.1.2.3")).isEqualTo("10.1.2.3");
    assertThat(bind("::")).isEqualTo("0:0:0:0:0:0:0:0");
    assertThat(bind("::1")).isEqualTo("0:0:0:0:0:0:0:1");
    assertThat(bind("[::1]")).isEqualTo("0:0:0:0:0:0:0:1");
    assertThat(fromEnv(Map.of("OPS_BIND_ADDRESS", "localhost")).bindAddress().isLoopbackAddress())
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.org",
        "ops-host",
        "256.0.0.1",
        "1.2.3",
        "010.0.0.1",
        "1.2.3.4.5",
        "1:2",
        "[::1",
        "[127.0.0.1]",
        "0.0.0.0/0"
      })
  void shouldNameKeyWhenBindAddressIsNotAnIpLiteral(String value) {
    assertThatThrownBy(() -> fromEnv(Map.of("OPS_BIND_ADDRESS", value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OPS_BIND_ADDRESS");
  }

  @Test
  void shouldReadTimeBoundsWhenTheyAreSet() {
    OpsConfig config = fromEnv(Map.of("OPS_CHECK_TIMEOUT", "500ms", "OPS_EXCHANGE_TIMEOUT", "3s"));

    assertThat(config.checkTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.exchangeTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void shouldNameBothKeysWhenExchangeTimeoutIsNotLongerThanCheckTimeout() {
    assertThatThrownBy(
            () -> fromEnv(Map.of("OPS_CHECK_TIMEOUT", "5s", "OPS_EXCHANGE_TIMEOUT", "5s")))
        .hasMessageContaining("OPS_EXCHANGE_TIMEOUT")
        .hasMessageContaining("OPS_CHECK_TIMEOUT");
    assertThatThrownBy(() -> fromEnv(Map.of("OPS_CHECK_TIMEOUT", "0s")))
        .hasMessageContaining("OPS_CHECK_TIMEOUT");
  }

  @Test
  void shouldDocumentEverySettingWhenReadmeListsConfig() throws Exception {
    String readme = Files.readString(Path.of("README.md"));

    assertThat(OpsConfig.KEYS)
        .containsExactly(
            "OPS_PORT",
            "OPS_BIND_ADDRESS",
            "OPS_CHECK_TIMEOUT",
            "OPS_EXCHANGE_TIMEOUT",
            "OPS_DEPENDENCY_INTERVAL");
    assertThat(readme).contains(OpsConfig.settingsTable());
  }

  private static String bind(String value) {
    return fromEnv(Map.of("OPS_BIND_ADDRESS", value)).bindAddress().getHostAddress();
  }
}

package org.schedmsg.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.config.ServiceExit;
import org.schedmsg.infra.testing.Distribution;

/**
 * The distribution ({@code target/dist/cdc-ingestor}) as an operator runs it: {@code
 * bin/cdc-ingestor} with an invalid setting exits 2 naming the key (never the value) before
 * connecting anywhere. SIGTERM (0) and a failing engine (1): {@link AppIT}.
 */
class DistributionIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String SECRET = "s3cret-ingestor-password";

  private final Distribution distribution = Distribution.of("cdc-ingestor");

  @Test
  void shouldShipLauncherLoggingAndRuntimeJars() throws Exception {
    distribution.assertLayout("cdc-ingestor", "cdc-ingestor");
  }

  @Test
  void shouldExitTwoNamingKeyWhenSettingIsInvalid() throws Exception {
    Distribution.Result result =
        distribution.run("cdc-ingestor", environment("CDC_POLL_INTERVAL", "sometimes"), TIMEOUT);

    assertThat(result.exitCode()).isEqualTo(ServiceExit.INVALID_CONFIGURATION);
    assertThat(result.output())
        .contains("invalid configuration, not starting (exit 2): CDC_POLL_INTERVAL")
        .doesNotContain("sometimes")
        .doesNotContain(SECRET);
  }

  @Test
  void shouldExitTwoNamingKeyWhenRequiredSettingIsMissing() throws Exception {
    Distribution.Result result =
        distribution.run("cdc-ingestor", environment("DATABASE_URL", ""), TIMEOUT);

    assertThat(result.exitCode()).isEqualTo(ServiceExit.INVALID_CONFIGURATION);
    assertThat(result.output()).contains("missing required setting DATABASE_URL");
  }

  /** Endpoints where nothing listens: a bad setting must end the run before they matter. */
  private static Map<String, String> environment(String key, String value) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:9/schedmsg");
    env.put("DATABASE_PASSWORD", SECRET);
    env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9");
    env.put("OPS_PORT", "0");
    env.put(key, value);
    return env;
  }
}

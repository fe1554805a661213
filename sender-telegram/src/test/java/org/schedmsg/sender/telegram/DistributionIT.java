package org.schedmsg.sender.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.config.ServiceExit;
import org.schedmsg.infra.testing.Distribution;
import org.schedmsg.infra.testing.RestartableStack;

/**
 * The distribution ({@code target/dist/sender-telegram}) as an operator runs it: {@code
 * bin/sender-telegram} with an invalid setting exits 2 naming the key, never a value, before
 * connecting anywhere; with PostgreSQL unreachable it exits 1. SIGTERM (0): {@code
 * .ci/smoke-distributions}.
 */
class DistributionIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String TOKEN = "123456:s3cret-bot-token";
  private static final String PASSWORD = "s3cret-sender-password";

  private final Distribution distribution = Distribution.of("sender-telegram");

  @Test
  void shouldShipLauncherLoggingAndRuntimeJars() throws Exception {
    distribution.assertLayout("sender-telegram", "sender-telegram");
  }

  @Test
  void shouldExitTwoNamingKeyButNoSecretWhenSettingIsInvalid() throws Exception {
    Distribution.Result result =
        distribution.run("sender-telegram", environment("OPS_PORT", "ninety-four"), TIMEOUT);

    assertThat(result.exitCode()).isEqualTo(ServiceExit.INVALID_CONFIGURATION);
    assertThat(result.output())
        .contains("invalid configuration, not starting (exit 2): OPS_PORT must be an integer")
        .doesNotContain("ninety-four")
        .doesNotContain(TOKEN)
        .doesNotContain(PASSWORD);
  }

  @Test
  void shouldExitTwoNamingKeyWhenTokenIsMissing() throws Exception {
    Distribution.Result result =
        distribution.run("sender-telegram", environment("TELEGRAM_BOT_TOKEN", ""), TIMEOUT);

    assertThat(result.exitCode()).isEqualTo(ServiceExit.INVALID_CONFIGURATION);
    assertThat(result.output()).contains("missing required setting TELEGRAM_BOT_TOKEN");
  }

  @Test
  void shouldExitOneWhenDatabaseIsUnreachable() throws Exception {
    Distribution.Result result =
        distribution.run(
            "sender-telegram",
            environment(
                "DATABASE_URL",
                "jdbc:postgresql://127.0.0.1:" + RestartableStack.freePort() + "/schedmsg"),
            TIMEOUT);

    assertThat(result.exitCode()).isEqualTo(ServiceExit.FAILED);
    assertThat(result.output())
        .contains("sender-telegram could not start; exiting with status 1")
        .doesNotContain(TOKEN)
        .doesNotContain(PASSWORD);
  }

  private static Map<String, String> environment(String key, String value) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:9/schedmsg");
    env.put("DATABASE_USER", "schedmsg_sender");
    env.put("DATABASE_PASSWORD", PASSWORD);
    env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9");
    env.put("TELEGRAM_BOT_TOKEN", TOKEN);
    env.put("OPS_PORT", "0");
    env.put(key, value);
    return env;
  }
}

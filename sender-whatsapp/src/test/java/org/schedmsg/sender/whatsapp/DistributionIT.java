package org.schedmsg.sender.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.config.ServiceExit;
import org.schedmsg.infra.testing.Distribution;

/**
 * The distribution ({@code target/dist/sender-whatsapp}) as an operator runs it: {@code
 * bin/sender-whatsapp} with an invalid setting exits 2 naming the key, never a value, before
 * connecting anywhere. SIGTERM (0): {@code .ci/smoke-distributions}.
 */
class DistributionIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String TOKEN = "s3cret-whatsapp-access-token";
  private static final String APP_SECRET = "s3cret-app-secret";

  private final Distribution distribution = Distribution.of("sender-whatsapp");

  @Test
  void shouldShipLauncherLoggingAndRuntimeJars() throws Exception {
    distribution.assertLayout("sender-whatsapp", "sender-whatsapp");
  }

  @Test
  void shouldExitTwoNamingKeyWhenPhoneNumberIdIsMissing() throws Exception {
    Distribution.Result result =
        distribution.run("sender-whatsapp", environment("WHATSAPP_PHONE_NUMBER_ID", ""), TIMEOUT);

    assertThat(result.exitCode()).isEqualTo(ServiceExit.INVALID_CONFIGURATION);
    assertThat(result.output())
        .contains("invalid configuration, not starting (exit 2)")
        .contains("missing required setting WHATSAPP_PHONE_NUMBER_ID")
        .doesNotContain(TOKEN)
        .doesNotContain(APP_SECRET);
  }

  @Test
  void shouldExitTwoNamingKeysWhenWebhookHalfConfigured() throws Exception {
    Distribution.Result result =
        distribution.run(
            "sender-whatsapp", environment("WHATSAPP_WEBHOOK_VERIFY_TOKEN", ""), TIMEOUT);

    assertThat(result.exitCode()).isEqualTo(ServiceExit.INVALID_CONFIGURATION);
    assertThat(result.output())
        .contains("WHATSAPP_WEBHOOK_VERIFY_TOKEN")
        .doesNotContain(TOKEN)
        .doesNotContain(APP_SECRET);
  }

  private static Map<String, String> environment(String key, String value) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:9/schedmsg");
    env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9");
    env.put("WHATSAPP_ACCESS_TOKEN", TOKEN);
    env.put("WHATSAPP_PHONE_NUMBER_ID", "100000000000001");
    env.put("WHATSAPP_APP_SECRET", APP_SECRET);
    env.put("WHATSAPP_WEBHOOK_VERIFY_TOKEN", "s3cret-verify-token");
    env.put("WHATSAPP_WEBHOOK_PORT", "0");
    env.put("OPS_PORT", "0");
    env.put(key, value);
    return env;
  }
}

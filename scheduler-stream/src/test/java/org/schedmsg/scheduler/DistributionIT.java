package org.schedmsg.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.config.ServiceExit;
import org.schedmsg.infra.testing.Distribution;

/**
 * The distribution ({@code target/dist/scheduler-stream}) as an operator runs it: {@code
 * bin/scheduler-stream} with an invalid setting exits 2 naming the key (never the value) before
 * connecting anywhere. SIGTERM (0): {@code .ci/smoke-distributions}.
 */
class DistributionIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Distribution distribution = Distribution.of("scheduler-stream");

  @Test
  void shouldShipLauncherLoggingAndRuntimeJars() throws Exception {
    distribution.assertLayout("scheduler-stream", "scheduler-stream");
  }

  @Test
  void shouldExitTwoNamingKeyWhenSettingIsInvalid() throws Exception {
    Distribution.Result result =
        distribution.run(
            "scheduler-stream", environment("SCHEDULER_MAX_ATTEMPTS", "many-s3cret"), TIMEOUT);

    assertThat(result.exitCode()).isEqualTo(ServiceExit.INVALID_CONFIGURATION);
    assertThat(result.output())
        .contains("invalid configuration, not starting (exit 2): SCHEDULER_MAX_ATTEMPTS")
        .doesNotContain("many-s3cret");
  }

  @Test
  void shouldExitTwoNamingKeyWhenRequiredSettingIsMissing() throws Exception {
    Distribution.Result result =
        distribution.run("scheduler-stream", environment("KAFKA_BOOTSTRAP_SERVERS", ""), TIMEOUT);

    assertThat(result.exitCode()).isEqualTo(ServiceExit.INVALID_CONFIGURATION);
    assertThat(result.output()).contains("missing required setting KAFKA_BOOTSTRAP_SERVERS");
  }

  /** A broker address where nothing listens: a bad setting must end the run before it matters. */
  private Map<String, String> environment(String key, String value) {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9");
    env.put("SCHEDULER_STATE_DIR", distribution.home().resolve("../state").toString());
    env.put("OPS_PORT", "0");
    env.put(key, value);
    return env;
  }
}

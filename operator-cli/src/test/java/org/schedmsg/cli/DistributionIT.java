package org.schedmsg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.schedmsg.cli.command.ExitCodes;
import org.schedmsg.infra.testing.Distribution;

/**
 * The distribution ({@code target/dist/operator-cli}) as an operator runs it: {@code bin/schedmsg}
 * answers, and keeps the CLI's exit codes. The commands themselves: {@link OperatorCliIT}.
 */
class DistributionIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Distribution distribution = Distribution.of("operator-cli");

  @Test
  void shouldShipLauncherLoggingAndRuntimeJars() throws Exception {
    distribution.assertLayout("schedmsg", "operator-cli");
  }

  @Test
  void shouldPrintVersion() throws Exception {
    Distribution.Result result = distribution.run("schedmsg", Map.of(), TIMEOUT, "--version");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.output()).startsWith("schedmsg ");
  }

  @Test
  void shouldExitTwoNamingOptionWhenUsageIsWrong() throws Exception {
    Distribution.Result result =
        distribution.run(
            "schedmsg", Map.of(), TIMEOUT, "schedule", "--platform", "telegram", "--text", "hi");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.output()).contains("--recipient");
  }

  @Test
  void shouldExitFourWhenDatabaseIsUnreachable() throws Exception {
    Distribution.Result result =
        distribution.run(
            "schedmsg",
            Map.of("DATABASE_URL", "jdbc:postgresql://127.0.0.1:9/schedmsg"),
            TIMEOUT,
            "status",
            "6f1c2a7e-93d4-4b8a-9a51-2f0e4c7d8b13");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(result.output()).contains("database error");
  }
}

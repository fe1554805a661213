package org.schedmsg.contracts.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ServiceExit} in a JVM of its own ({@link ServiceExitDemo}), stopped by real signals: each
 * exit code of the table, and what the log says.
 */
class ServiceExitProcessTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Process process;
  private Path output;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldExitTwoNamingKeyButNotValueWhenConfigurationIsInvalid() throws Exception {
    start("runs", "not-a-port-s3cret");

    assertThat(exitCode()).isEqualTo(ServiceExit.INVALID_CONFIGURATION);
    assertThat(output())
        .contains(
            "demo: invalid configuration, not starting (exit 2): DEMO_PORT must be an integer")
        .doesNotContain("s3cret")
        .doesNotContain("demo running");
  }

  @Test
  void shouldExitOneWhenServiceCannotStart() throws Exception {
    start("start-fails", "8080");

    assertThat(exitCode()).isEqualTo(ServiceExit.FAILED);
    assertThat(output())
        .contains("demo could not start; exiting with status 1")
        .contains("dependency unreachable");
  }

  @Test
  void shouldExitZeroAfterCleanStopWhenTerminated() throws Exception {
    start("runs", "8080");
    awaitOutput("demo running on port 8080");

    process.destroy(); // SIGTERM

    assertThat(exitCode()).isEqualTo(ServiceExit.STOPPED);
    assertThat(output())
        .contains("demo: received SIGTERM, stopping")
        .contains("demo closed")
        .contains("demo stopped cleanly; exiting with status 0");
  }

  @Test
  void shouldExitZeroAfterCleanStopWhenInterrupted() throws Exception {
    start("runs", "8080");
    awaitOutput("demo running on port 8080");

    signal("INT");

    assertThat(exitCode()).isEqualTo(ServiceExit.STOPPED);
    assertThat(output()).contains("demo: received SIGINT, stopping").contains("demo closed");
  }

  @Test
  void shouldExitOneAfterClosingWhenServiceFailsByItself() throws Exception {
    start("fails-later", "8080");

    assertThat(exitCode()).isEqualTo(ServiceExit.FAILED);
    assertThat(output())
        .contains(
            "demo stopped by itself (demo broke); exiting with status 1 so that it is restarted")
        .contains("demo closed");
  }

  @Test
  void shouldExitOneWhenStopIsNotClean() throws Exception {
    start("close-fails", "8080");
    awaitOutput("demo running on port 8080");

    process.destroy();

    assertThat(exitCode()).isEqualTo(ServiceExit.FAILED);
    assertThat(output())
        .contains("demo did not stop cleanly; exiting with status 1")
        .contains("demo could not flush");
  }

  @Test
  void shouldCloseOnceThroughShutdownHookWhenStoppedAnotherWay() throws Exception {
    start("runs", "8080");
    awaitOutput("demo running on port 8080");

    signal("HUP"); // not handled: the JVM's shutdown, with the hook closing the service

    int code = exitCode();
    assertThat(code).isEqualTo(128 + 1);
    assertThat(output())
        .contains("demo: the JVM is shutting down, stopping")
        .containsOnlyOnce("demo closed");
  }

  private void start(String mode, String port) throws IOException {
    output = dir.resolve("demo.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile="
                    + Path.of("src/test/resources/service-exit/logback.xml").toAbsolutePath(),
                "-cp",
                System.getProperty("java.class.path"),
                ServiceExitDemo.class.getName(),
                mode)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().clear();
    builder.environment().put("DEMO_PORT", port);
    process = builder.start();
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  private int exitCode() throws InterruptedException {
    assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
        .as("the process ended within %s", TIMEOUT)
        .isTrue();
    return process.exitValue();
  }

  private void awaitOutput(String text) {
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              String output = output();
              if (output.contains(text)) {
                return true;
              }
              assertThat(process.isAlive()).as("still running, output: %s", output).isTrue();
              return false;
            });
  }

  private String output() throws IOException {
    return Files.exists(output) ? Files.readString(output) : "";
  }
}

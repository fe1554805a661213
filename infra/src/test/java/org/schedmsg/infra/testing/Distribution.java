package org.schedmsg.infra.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A module's distribution as {@code mvn package} lays it out in {@code target/dist/<artifactId>/}
 * (root README, "Distributions"), for integration tests that run its launcher as an operator would:
 * a process of its own, configured only through the environment.
 */
public final class Distribution {
  private final Path home;

  private Distribution(Path home) {
    this.home = home;
  }

  /**
   * The distribution of the module under test ({@code target/dist/<artifactId>} of the working
   * directory, which Failsafe sets to the module's).
   *
   * @throws IllegalStateException if it was not built (run the tests with {@code mvn verify})
   */
  public static Distribution of(String artifactId) {
    Path home = Path.of("target", "dist", artifactId).toAbsolutePath();
    if (!Files.isDirectory(home.resolve("bin"))) {
      throw new IllegalStateException(
          "no distribution in " + home + ": it is built in the package phase (mvn verify)");
    }
    return new Distribution(home);
  }

  public Path home() {
    return home;
  }

  /**
   * Checks the layout every distribution shares: an executable {@code bin/<launcher>}, {@code
   * conf/logback.xml}, and in {@code lib/} the module's jar with its runtime dependencies but no
   * test jar and no test library.
   */
  public void assertLayout(String launcher, String artifactId) throws IOException {
    assertThat(home.resolve("bin").resolve(launcher)).isExecutable();
    assertThat(home.resolve("conf").resolve("logback.xml")).isRegularFile();
    List<String> libraries = libraries();
    assertThat(libraries)
        .allMatch(name -> name.endsWith(".jar"))
        .anyMatch(name -> name.startsWith("org.schedmsg." + artifactId + "-"))
        .anyMatch(name -> name.startsWith("ch.qos.logback.logback-classic-"))
        .noneMatch(name -> name.contains("-tests"))
        .noneMatch(name -> name.contains("junit"))
        .noneMatch(name -> name.contains("assertj"))
        .noneMatch(name -> name.contains("testcontainers"))
        .noneMatch(name -> name.contains("awaitility"));
  }

  /** The file names in {@code lib/}, sorted. */
  public List<String> libraries() throws IOException {
    try (Stream<Path> files = Files.list(home.resolve("lib"))) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * Runs {@code bin/<launcher> args...} with only {@code environment} (plus {@code PATH}, and
   * {@code JAVA_HOME} of this JVM) and a small heap, and waits for it to end.
   *
   * @throws IllegalStateException if it is still running after {@code timeout} (then killed)
   */
  public Result run(
      String launcher, Map<String, String> environment, Duration timeout, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin").resolve(launcher).toString());
    command.addAll(List.of(args));
    Path output = Files.createTempFile("distribution-" + launcher, ".log");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      Map<String, String> env = builder.environment();
      String path = env.get("PATH");
      env.clear();
      env.put("PATH", path == null ? "/usr/bin:/bin" : path);
      env.put("JAVA_HOME", System.getProperty("java.home"));
      env.put("JAVA_OPTS", "-Xmx128m -XX:TieredStopAtLevel=1");
      env.putAll(environment);
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(
            launcher
                + " still running after "
                + timeout
                + "; output:\n"
                + Files.readString(output));
      }
      return new Result(process.exitValue(), Files.readString(output));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** How a run ended: the exit code, and stdout and stderr together. */
  public record Result(int exitCode, String output) {}
}

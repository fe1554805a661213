package org.schedmsg.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one place that knows how a service is started as an OS process: today {@code java -cp <the
 * module's runtime classpath> <main class>}, with the classpath file that {@code ./faults} writes
 * per module ({@code <module>/target/classpath.txt}). When the services get distributions with
 * launchers, only this class changes.
 */
final class ProcessLauncher {
  private final Path repositoryRoot;
  private final String javaBinary;

  ProcessLauncher(Path repositoryRoot) {
    this.repositoryRoot = repositoryRoot;
    this.javaBinary =
        Path.of(System.getProperty("java.home"), "bin", "java").toAbsolutePath().toString();
  }

  /** The command line that runs {@code mainClass} of {@code module} with {@code jvmArgs}. */
  List<String> command(String module, String mainClass, List<String> jvmArgs, List<String> args) {
    Path moduleDir = repositoryRoot.resolve(module);
    String classpath;
    try {
      classpath =
          moduleDir.resolve("target/classes")
              + java.io.File.pathSeparator
              + Files.readString(moduleDir.resolve("target/classpath.txt"), StandardCharsets.UTF_8)
                  .trim();
    } catch (IOException e) {
      throw new IllegalStateException(
          "no classpath for " + module + " (run ./faults, which builds it)", e);
    }
    List<String> command = new ArrayList<>();
    command.add(javaBinary);
    command.add("-Xmx384m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(args);
    return command;
  }

  /** Starts {@code command} with exactly {@code environment}, output appended to {@code log}. */
  Process start(List<String> command, Map<String, String> environment, Path log)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().put("HOME", System.getProperty("user.home"));
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.directory(log.getParent().toFile());
    return builder.start();
  }
}

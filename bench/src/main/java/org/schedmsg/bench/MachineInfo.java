package org.schedmsg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The machine a run was made on, as a Markdown list: cores, CPU model ({@code /proc/cpuinfo}), RAM
 * ({@code /proc/meminfo}), OS ({@code /etc/os-release}, kernel), JVM and heap limit, load average
 * at the start ({@code /proc/loadavg}: a busy machine shows), the git commit of the working
 * directory and the date.
 */
final class MachineInfo {
  private MachineInfo() {}

  static String describe(Instant started) {
    Runtime rt = Runtime.getRuntime();
    return String.join(
        "\n",
        "- date: " + started.truncatedTo(ChronoUnit.SECONDS) + " (UTC)",
        "- cores: "
            + rt.availableProcessors()
            + " ("
            + cpuModel().orElse("cpu model unknown")
            + ")",
        "- RAM: " + memTotal().orElse("unknown"),
        "- OS: "
            + osName().orElse(System.getProperty("os.name"))
            + ", kernel "
            + System.getProperty("os.version"),
        "- JVM: "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + ", max heap "
            + rt.maxMemory() / (1024 * 1024)
            + " MiB",
        "- load average at start (1, 5, 15 min): " + loadAverage().orElse("unknown"),
        "- code: " + gitHead().orElse("unknown (not run from a git checkout)"),
        "");
  }

  /** The working tree's commit and whether it has local changes (the modules run may differ). */
  private static Optional<String> gitHead() {
    try {
      Process p =
          new ProcessBuilder("git", "describe", "--always", "--dirty", "--abbrev=12")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      return p.waitFor() == 0 && !out.isEmpty() ? Optional.of("git " + out) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static Optional<String> cpuModel() {
    return field(Path.of("/proc/cpuinfo"), "model name", ":");
  }

  private static Optional<String> memTotal() {
    return field(Path.of("/proc/meminfo"), "MemTotal", ":")
        .map(v -> Long.parseLong(v.replace("kB", "").trim()))
        .map(kib -> String.format(Locale.ROOT, "%.1f GiB", kib / (1024.0 * 1024.0)));
  }

  private static Optional<String> osName() {
    return field(Path.of("/etc/os-release"), "PRETTY_NAME", "=").map(v -> v.replace("\"", ""));
  }

  private static Optional<String> loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return Optional.of(f[0] + ", " + f[1] + ", " + f[2]);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> field(Path file, String key, String separator) {
    try {
      List<String> lines = Files.readAllLines(file);
      return lines.stream()
          .filter(l -> l.startsWith(key))
          .map(l -> l.substring(l.indexOf(separator) + 1).trim())
          .findFirst();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}

package org.schedmsg.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the results as {@code results.md} (with ratios to the pipeline), {@code results.csv} and
 * one lateness distribution per run ({@code <contestant>-<workload>.hgrm}).
 */
final class ResultTable {
  static final String[] COLUMNS = {
    "contestant",
    "workload",
    "planned",
    "delivered",
    "duplicates",
    "early",
    "inversions",
    "lateness_p50_ms",
    "lateness_p99_ms",
    "lateness_max_ms",
    "throughput_per_s",
    "pg_commits_per_1000",
    "jvm_cpu_s",
    "wall_s"
  };

  private static final double MICROS_PER_MILLI = 1000.0;

  private final List<RunResult> results;

  ResultTable(List<RunResult> results) {
    this.results = List.copyOf(results);
  }

  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("results.csv"), csv());
    Files.writeString(dir.resolve("results.md"), markdown());
    for (RunResult r : results) {
      writeDistribution(dir, r);
    }
  }

  /**
   * The full lateness distribution of one run in HdrHistogram's percentile format (milliseconds),
   * for plotting, e.g. with HdrHistogram's plotFiles.html.
   */
  private static void writeDistribution(Path dir, RunResult r) throws IOException {
    String name = (r.contestant() + "-" + r.workload()).replaceAll("[^A-Za-z0-9_-]", "_");
    try (PrintStream out =
        new PrintStream(
            Files.newOutputStream(dir.resolve(name + ".hgrm")), false, StandardCharsets.UTF_8)) {
      r.lateness().outputPercentileDistribution(out, MICROS_PER_MILLI);
    }
  }

  String csv() {
    StringBuilder out = new StringBuilder(String.join(",", COLUMNS)).append('\n');
    for (RunResult r : results) {
      out.append(String.join(",", cells(r))).append('\n');
    }
    return out.toString();
  }

  String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("| ").append(String.join(" | ", COLUMNS)).append(" |\n");
    out.append("|---".repeat(COLUMNS.length)).append("|\n");
    for (RunResult r : results) {
      out.append("| ").append(String.join(" | ", cells(r))).append(" |\n");
    }
    String ratios = ratios();
    if (!ratios.isEmpty()) {
      out.append("\nRatios pipeline / peer (lower is better for all but throughput):\n\n")
          .append(ratios);
    }
    return out.toString();
  }

  private static List<String> cells(RunResult r) {
    return List.of(
        r.contestant(),
        r.workload(),
        Integer.toString(r.planned()),
        Integer.toString(r.delivered()),
        Integer.toString(r.duplicates()),
        Integer.toString(r.early()),
        Long.toString(r.inversions()),
        number(r.latenessMillis(50)),
        number(r.latenessMillis(99)),
        number(r.maxLatenessMillis()),
        number(r.throughput()),
        number(r.commitsPerThousand()),
        number(r.cpuSeconds()),
        number(r.wallSeconds()));
  }

  private String ratios() {
    StringBuilder out = new StringBuilder();
    for (RunResult ours : results) {
      if (!ours.contestant().equals(PipelineContestant.NAME)) {
        continue;
      }
      for (RunResult peer : results) {
        if (peer.contestant().equals(ours.contestant())
            || !peer.workload().equals(ours.workload())) {
          continue;
        }
        out.append("- ")
            .append(ours.workload())
            .append(", pipeline / ")
            .append(peer.contestant())
            .append(": ");
        List<String> parts = new ArrayList<>();
        ratioParts(ours, peer).forEach((k, v) -> parts.add(k + " " + v));
        out.append(String.join(", ", parts)).append('\n');
      }
    }
    return out.toString();
  }

  private static Map<String, String> ratioParts(RunResult ours, RunResult peer) {
    Map<String, String> parts = new LinkedHashMap<>();
    parts.put("lateness p50", ratio(ours.latenessMillis(50), peer.latenessMillis(50)));
    parts.put("p99", ratio(ours.latenessMillis(99), peer.latenessMillis(99)));
    parts.put("max", ratio(ours.maxLatenessMillis(), peer.maxLatenessMillis()));
    parts.put("throughput", ratio(ours.throughput(), peer.throughput()));
    parts.put("commits/1000", ratio(ours.commitsPerThousand(), peer.commitsPerThousand()));
    parts.put("JVM CPU", ratio(ours.cpuSeconds(), peer.cpuSeconds()));
    return parts;
  }

  private static String ratio(double ours, double peer) {
    return Optional.of(ours / peer)
        .filter(x -> !x.isNaN() && !x.isInfinite())
        .map(x -> String.format(Locale.ROOT, "%.2f", x))
        .orElse("n/a");
  }

  private static String number(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f", value);
  }
}

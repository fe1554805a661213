package org.schedmsg.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the results as {@code results.md} (the machine, every row, the ratio table, the sweep),
 * {@code results.csv} (every row) and two lateness distributions per run ({@code
 * <contestant>-<workload>.release.hgrm} and {@code .delivery.hgrm}, HdrHistogram's percentile
 * format in milliseconds).
 */
final class ResultTable {
  static final List<String> COLUMNS =
      List.of(
          "contestant",
          "workload",
          "planned",
          "delivered",
          "duplicates",
          "early",
          "early_releases",
          "inversions",
          "release_p50_ms",
          "release_p99_ms",
          "release_max_ms",
          "delivery_p50_ms",
          "delivery_p99_ms",
          "delivery_max_ms",
          "insert_to_sent_p50_ms",
          "insert_to_sent_p99_ms",
          "insert_to_sent_max_ms",
          "throughput_per_s",
          "insert_rate_per_s",
          "cpu_s_per_1000",
          "jvm_cpu_s",
          "pg_cpu_s",
          "pg_commits_per_1000",
          "jvm_peak_rss_mb",
          "pg_peak_rss_mb",
          "start_s",
          "ingest_s",
          "restart_first_release_s",
          "restart_first_receipt_s",
          "wall_s");

  private static final double MICROS_PER_MILLI = 1000.0;

  static final String LEGEND =
      String.join(
          "\n",
          "",
          "Columns:",
          "",
          "- release_*: when the message became available to the contestant's sending code minus"
              + " its scheduled_time (poller: its claim returned the row; db-scheduler: its handler"
              + " was called; pipeline: a read_committed consumer of the delivery topic first saw"
              + " the record, i.e. after the scheduler's transaction committed). early_releases:"
              + " released before scheduled_time (must be 0).",
          "- delivery_*: the fake platform's receipt minus scheduled_time. early: received before"
              + " scheduled_time, or a request for an unplanned message (must be 0).",
          "- insert_to_sent_*: sent_at - created_at of the rows the contestant marked sent.",
          "- inversions: pairs due at the same instant received less urgent first.",
          "- throughput_per_s: delivered / (last receipt - first due time); insert_rate_per_s: rows"
              + " per second the workload achieved writing.",
          "- cpu_s_per_1000: (JVM + PostgreSQL CPU seconds) per 1,000 delivered messages; the JVM"
              + " also runs the broker, the fake platform and the workload writer.",
          "- pg_commits_per_1000: transactions committed in the contestant's database per 1,000"
              + " delivered messages, the workload's own inserts included.",
          "- jvm_peak_rss_mb: VmHWM of the one shared JVM after a reset at the start of the run"
              + " (coarse); pg_peak_rss_mb: highest summed RSS of the PostgreSQL processes, sampled"
              + " every 250 ms (shared buffers counted once per process).",
          "- start_s: the contestant's start call until ready, including taking in a pre-existing"
              + " backlog; ingest_s: the workload's start until the pipeline's scheduler had taken"
              + " in every row; restart_first_*_s: the start call after a stop until the first"
              + " release / platform receipt.",
          "- wall_s: the workload's start until everything was delivered or the drain timeout.",
          "");

  private final List<RunResult> results;
  private final String machine;
  private final Map<String, SweepOutcome> sweep;
  private final List<String> failures;

  ResultTable(
      List<RunResult> results,
      String machine,
      Map<String, SweepOutcome> sweep,
      List<String> failures) {
    this.results = List.copyOf(results);
    this.machine = machine;
    this.sweep = Map.copyOf(sweep);
    this.failures = List.copyOf(failures);
  }

  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("results.csv"), csv());
    Files.writeString(dir.resolve("results.md"), markdown());
    for (RunResult r : results) {
      writeDistribution(dir, r, "release", r.release().lateness());
      writeDistribution(dir, r, "delivery", r.delivery());
    }
  }

  /** The file name stem of a run's distributions. */
  static String stem(RunResult r) {
    return (r.contestant() + "-" + r.workload()).replaceAll("[^A-Za-z0-9_-]", "_");
  }

  private static void writeDistribution(
      Path dir, RunResult r, String kind, org.HdrHistogram.Histogram h) throws IOException {
    try (PrintStream out =
        new PrintStream(
            Files.newOutputStream(dir.resolve(stem(r) + "." + kind + ".hgrm")),
            false,
            StandardCharsets.UTF_8)) {
      if (h.getTotalCount() > 0) {
        h.outputPercentileDistribution(out, MICROS_PER_MILLI);
      }
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
    out.append("# Benchmark results\n\n").append(machine).append('\n');
    out.append("## All runs\n\n");
    out.append("| ").append(String.join(" | ", COLUMNS)).append(" |\n");
    out.append("|---".repeat(COLUMNS.size())).append("|\n");
    for (RunResult r : results) {
      out.append("| ").append(String.join(" | ", markdownCells(r))).append(" |\n");
    }
    out.append(
        "\n\u2265: not every message was released (release_*) or delivered (delivery_*) by the end"
            + " of the run; the ones missing are counted as late as the end, so the value is a lower"
            + " bound. insert_to_sent_* covers only the rows marked sent, so it is marked the same"
            + " way.\n");
    out.append(LEGEND);
    String ratios = new RatioTable(results).markdown();
    if (!ratios.isEmpty()) {
      out.append("\n## Ratios pipeline / peer\n\n")
          .append("Below 1 favours the pipeline, except throughput (above 1 favours it). * marks a")
          .append(
              " ratio where one side did not deliver everything (a lower bound on one side).\n\n")
          .append(ratios);
    }
    if (!sweep.isEmpty()) {
      out.append("\n## Sweep: highest steady rate with p99 release lateness under 1 s\n\n")
          .append("| contestant | highest sustained rate /s | first failing rate /s | why |\n")
          .append("|---|---|---|---|\n");
      sweep.forEach(
          (name, s) ->
              out.append("| ")
                  .append(name)
                  .append(" | ")
                  .append(s.sustained() == 0 ? "none" : Integer.toString(s.sustained()))
                  .append(" | ")
                  .append(s.failedAt() == 0 ? "none" : Integer.toString(s.failedAt()))
                  .append(" | ")
                  .append(s.why())
                  .append(" |\n"));
    }
    if (!failures.isEmpty()) {
      out.append("\n## Runs that failed\n\n");
      failures.forEach(f -> out.append("- ").append(f).append('\n'));
    }
    return out.toString();
  }

  /** The cells, with lateness marked as a lower bound where messages were missing at the end. */
  private static List<String> markdownCells(RunResult r) {
    List<String> cells = cells(r);
    if (r.release().released() < r.planned()) {
      lowerBound(cells, "release_p50_ms", "release_p99_ms", "release_max_ms");
    }
    if (r.delivered() < r.planned()) {
      lowerBound(cells, "delivery_p50_ms", "delivery_p99_ms", "delivery_max_ms");
    }
    if (r.insertToSent().getTotalCount() < r.planned()) {
      lowerBound(cells, "insert_to_sent_p50_ms", "insert_to_sent_p99_ms", "insert_to_sent_max_ms");
    }
    return cells;
  }

  private static void lowerBound(List<String> cells, String... columns) {
    for (String column : columns) {
      int i = COLUMNS.indexOf(column);
      if (!"n/a".equals(cells.get(i))) {
        cells.set(i, "\u2265" + cells.get(i));
      }
    }
  }

  private static List<String> cells(RunResult r) {
    List<String> cells = new ArrayList<>();
    cells.add(r.contestant());
    cells.add(r.workload());
    cells.add(Integer.toString(r.planned()));
    cells.add(Integer.toString(r.delivered()));
    cells.add(Integer.toString(r.duplicates()));
    cells.add(Integer.toString(r.early()));
    cells.add(Integer.toString(r.release().early()));
    cells.add(Long.toString(r.inversions()));
    cells.add(number(r.releaseMillis(50)));
    cells.add(number(r.releaseMillis(99)));
    cells.add(number(Latencies.maxMillis(r.release().lateness())));
    cells.add(number(r.deliveryMillis(50)));
    cells.add(number(r.deliveryMillis(99)));
    cells.add(number(Latencies.maxMillis(r.delivery())));
    cells.add(number(r.insertToSentMillis(50)));
    cells.add(number(r.insertToSentMillis(99)));
    cells.add(number(Latencies.maxMillis(r.insertToSent())));
    cells.add(number(r.throughput()));
    cells.add(number(r.timings().insertRate()));
    RunResult.Resources res = r.resources();
    boolean measured = res.commits() >= 0;
    cells.add(measured ? number(r.cpuSecondsPerThousand()) : "n/a");
    cells.add(number(res.jvmCpuSeconds()));
    cells.add(number(res.postgresCpuSeconds()));
    cells.add(number(r.commitsPerThousand()));
    cells.add(megabytes(res.jvmPeakRssBytes()));
    cells.add(megabytes(res.postgresPeakRssBytes()));
    cells.add(number(r.timings().startSeconds()));
    cells.add(number(r.timings().ingestSeconds()));
    cells.add(number(r.timings().restartReleaseSeconds()));
    cells.add(number(r.timings().restartReceiptSeconds()));
    cells.add(number(res.wallSeconds()));
    return cells;
  }

  static String megabytes(long bytes) {
    return bytes < 0 ? "n/a" : number(bytes / (1024.0 * 1024.0));
  }

  static String number(double value) {
    return Double.isNaN(value) || Double.isInfinite(value)
        ? "n/a"
        : String.format(Locale.ROOT, "%.1f", value);
  }
}

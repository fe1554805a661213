package org.schedmsg.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Ratios ours / peer for every workload where the pipeline and a peer both ran: lateness (release
 * p50, p99; delivery p99), insert-to-sent p99, inversions, throughput, CPU and commits per 1,000
 * messages, peak RSS, time to first release after a restart.
 */
final class RatioTable {
  private record Metric(String title, ToDoubleFunction<RunResult> value) {}

  private static final List<Metric> METRICS =
      List.of(
          new Metric("release p50", r -> r.releaseMillis(50)),
          new Metric("release p99", r -> r.releaseMillis(99)),
          new Metric("delivery p99", r -> r.deliveryMillis(99)),
          new Metric("insert-to-sent p99", r -> r.insertToSentMillis(99)),
          new Metric("inversions", r -> r.inversions()),
          new Metric("throughput", RunResult::throughput),
          new Metric(
              "CPU s/1k",
              r -> r.resources().commits() < 0 ? Double.NaN : r.cpuSecondsPerThousand()),
          new Metric("commits/1k", RunResult::commitsPerThousand),
          new Metric("JVM peak RSS", r -> r.resources().jvmPeakRssBytes()),
          new Metric("PG peak RSS", r -> r.resources().postgresPeakRssBytes()),
          new Metric("restart to first release", r -> r.timings().restartReleaseSeconds()));

  private final List<RunResult> results;

  RatioTable(List<RunResult> results) {
    this.results = results;
  }

  String markdown() {
    List<String> rows = new ArrayList<>();
    for (RunResult ours : results) {
      if (!ours.contestant().equals(PipelineContestant.NAME)) {
        continue;
      }
      for (RunResult peer : results) {
        if (peer.contestant().equals(ours.contestant())
            || !peer.workload().equals(ours.workload())) {
          continue;
        }
        List<String> cells = new ArrayList<>(List.of(ours.workload(), peer.contestant()));
        String mark = ours.correct() && peer.correct() ? "" : "*";
        for (Metric m : METRICS) {
          cells.add(ratio(m.value().applyAsDouble(ours), m.value().applyAsDouble(peer)) + mark);
        }
        rows.add("| " + String.join(" | ", cells) + " |\n");
      }
    }
    if (rows.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("| workload | peer |");
    METRICS.forEach(m -> out.append(' ').append(m.title()).append(" |"));
    out.append('\n').append("|---".repeat(METRICS.size() + 2)).append("|\n");
    rows.forEach(out::append);
    return out.toString();
  }

  /** ours / peer; n/a when either is unknown (NaN or negative), "inf" when only peer is 0. */
  static String ratio(double ours, double peer) {
    if (Double.isNaN(ours) || Double.isNaN(peer) || ours < 0 || peer < 0) {
      return "n/a";
    }
    if (peer == 0) {
      return ours == 0 ? "1.00" : "inf";
    }
    return String.format(Locale.ROOT, "%.2f", ours / peer);
  }
}

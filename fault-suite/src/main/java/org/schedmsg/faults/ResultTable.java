package org.schedmsg.faults;

import java.util.ArrayList;
import java.util.List;

/** The suite's one table: a row per scenario, a column per invariant's count. */
final class ResultTable {
  static final List<String> HEADER =
      List.of(
          "scenario",
          "messages",
          "faults injected",
          "duration",
          "I1 lost",
          "I2 duplicates",
          "I3 status mismatches",
          "I4 inversions",
          "I5 early",
          "I5 late",
          "I6 leaks",
          "failed rows",
          "verdict");

  private final List<ScenarioResult> results;

  ResultTable(List<ScenarioResult> results) {
    this.results = List.copyOf(results);
  }

  boolean allPassed() {
    return results.stream().allMatch(r -> r.verdict().passed());
  }

  List<List<String>> rows() {
    List<List<String>> rows = new ArrayList<>();
    for (ScenarioResult r : results) {
      Verdict v = r.verdict();
      rows.add(
          List.of(
              r.scenario(),
              Integer.toString(v.messages()),
              r.faultsInjected() + ": " + r.fault(),
              r.duration().toSeconds() + " s",
              Integer.toString(v.lost()),
              v.duplicates()
                  + " (bound "
                  + v.duplicateBound()
                  + (v.duplicatesOutsideCrashWindow() > 0
                      ? ", " + v.duplicatesOutsideCrashWindow() + " outside the window"
                      : "")
                  + ")",
              Integer.toString(v.mismatches()),
              v.inversions()
                  + (v.crashWindowInversions() > 0
                      ? " (+" + v.crashWindowInversions() + " crash window)"
                      : ""),
              Integer.toString(v.early()),
              Integer.toString(v.late()),
              Integer.toString(v.leaks()),
              Integer.toString(v.failed()),
              v.passed() ? "pass" : "FAIL"));
    }
    return rows;
  }

  /** Aligned plain text for the console. */
  String text() {
    List<List<String>> all = new ArrayList<>();
    all.add(HEADER);
    all.addAll(rows());
    int[] widths = new int[HEADER.size()];
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < all.size(); r++) {
      List<String> row = all.get(r);
      for (int i = 0; i < row.size(); i++) {
        out.append(String.format("%-" + widths[i] + "s", row.get(i)));
        out.append(i + 1 < row.size() ? " | " : "\n");
      }
      if (r == 0) {
        for (int i = 0; i < widths.length; i++) {
          out.append("-".repeat(widths[i])).append(i + 1 < widths.length ? "-+-" : "\n");
        }
      }
    }
    return out.toString();
  }

  /** The same table as markdown, then each scenario's findings (row ids and reasons only). */
  String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
    out.append("|").append("---|".repeat(HEADER.size())).append("\n");
    for (List<String> row : rows()) {
      out.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    return out.toString();
  }

  String findings() {
    StringBuilder out = new StringBuilder();
    for (ScenarioResult r : results) {
      out.append("\n### ").append(r.scenario()).append("\n\n");
      for (String note : r.notes()) {
        out.append("- note: ").append(note).append('\n');
      }
      List<String> findings = r.verdict().findings();
      for (String finding : findings.subList(0, Math.min(40, findings.size()))) {
        out.append("- ").append(finding).append('\n');
      }
      if (findings.size() > 40) {
        out.append("- ... ").append(findings.size() - 40).append(" more\n");
      }
      if (r.notes().isEmpty() && findings.isEmpty()) {
        out.append("- nothing to report\n");
      }
    }
    return out.toString();
  }
}

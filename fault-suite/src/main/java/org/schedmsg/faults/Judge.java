package org.schedmsg.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges one scenario from the rows PostgreSQL holds and the platforms' journal: invariants I1-I5
 * (I6, the logs, is {@link LeakScanner}'s). Pure: rows and journal in, counts out.
 *
 * <p>Rows are matched to journal entries by their text (unique per row; the rows of a recurring
 * series share theirs, so a series is judged as one: its acceptances are paired with its sent rows
 * in time order).
 */
final class Judge {
  /**
   * Priority tolerance at the platform, end to end (root README, "Priority under a backlog"): the
   * scheduler's releases of rows due together lie within one punctuation (100 ms) across tasks and
   * instances; they become visible to the senders when the releasing transaction commits (commit
   * interval, 100 ms); and a sender dispatches each poll most urgent first, so a group split over
   * two polls costs one more fetch (about 50 ms).
   */
  static final Duration PRIORITY_TOLERANCE = Duration.ofMillis(250);

  private final Duration priorityTolerance;

  Judge() {
    this(PRIORITY_TOLERANCE);
  }

  Judge(Duration priorityTolerance) {
    this.priorityTolerance = priorityTolerance;
  }

  /**
   * @param rows the scenario's rows as they are now
   * @param staleTexts texts the rows held before an upstream edit: never to be delivered
   * @param journal every request the platforms answered (other scenarios' are ignored)
   * @param duplicateBound duplicates the documented crash window allows in this scenario
   * @param judgedAt the database's clock when the rows were read
   */
  Verdict judge(
      List<RowState> rows,
      Collection<String> staleTexts,
      List<JournalEntry> journal,
      int duplicateBound,
      Instant judgedAt) {
    return judge(rows, staleTexts, journal, duplicateBound, judgedAt, Set.of());
  }

  /**
   * As above; {@code failedOver} are rows a killed scheduler instance held due: released only after
   * its tasks moved, inside the documented fail-over window (their I4 pairs are counted apart, like
   * the crash window's).
   */
  Verdict judge(
      List<RowState> rows,
      Collection<String> staleTexts,
      List<JournalEntry> journal,
      int duplicateBound,
      Instant judgedAt,
      Set<java.util.UUID> failedOver) {
    List<String> findings = new ArrayList<>();
    Map<String, List<JournalEntry>> byText = new HashMap<>();
    for (JournalEntry entry : journal) {
      if (entry.text() != null) {
        byText.computeIfAbsent(entry.text(), t -> new ArrayList<>()).add(entry);
      }
    }
    Map<String, List<RowState>> series = new LinkedHashMap<>();
    for (RowState row : rows) {
      series.computeIfAbsent(row.text(), t -> new ArrayList<>()).add(row);
    }

    int lost = 0;
    int failed = 0;
    int crashRows = 0;
    for (RowState row : rows) {
      if (row.pending() && !row.scheduledTime().isAfter(judgedAt)) {
        lost++;
        findings.add("I1 lost: " + row.id() + " still pending, due " + row.scheduledTime());
      }
      if ("failed".equals(row.status())) {
        failed++;
      }
      if (row.unknownOutcomeAttempts() > 0) {
        crashRows++;
      }
    }

    int duplicates = 0;
    int outsideWindow = 0;
    int mismatches = 0;
    int early = 0;
    int late = 0;
    for (Map.Entry<String, List<RowState>> e : series.entrySet()) {
      List<RowState> members = new ArrayList<>(e.getValue());
      members.sort(Comparator.comparing(RowState::scheduledTime));
      List<JournalEntry> entries = byText.getOrDefault(e.getKey(), List.of());
      List<JournalEntry> accepted = entries.stream().filter(JournalEntry::accepted).toList();
      List<RowState> sent = members.stream().filter(r -> "sent".equals(r.status())).toList();
      int ambiguous = (int) members.stream().filter(r -> r.unknownOutcomeAttempts() > 0).count();
      String id =
          members.get(0).id()
              + " ("
              + members.get(0).kind()
              + ", "
              + members.get(0).platform()
              + ")";

      // each sent row once, and each crash-window row that did not end sent at most once
      int unsentAmbiguous =
          (int)
              members.stream()
                  .filter(r -> r.unknownOutcomeAttempts() > 0 && !"sent".equals(r.status()))
                  .count();
      int extra = accepted.size() - sent.size() - unsentAmbiguous;
      if (extra > 0) {
        duplicates += extra;
        if (ambiguous == 0) {
          outsideWindow += extra;
        }
        findings.add(
            "I2 duplicate: "
                + id
                + " accepted "
                + accepted.size()
                + "x, sent rows "
                + sent.size()
                + ", crash-window rows "
                + ambiguous
                + ", attempts "
                + members.stream().map(RowState::attemptTrail).toList());
      }
      if (accepted.size() < sent.size()) {
        mismatches += sent.size() - accepted.size();
        findings.add(
            "I3 mismatch: "
                + id
                + " row says sent, platform accepted "
                + accepted.size()
                + " of "
                + sent.size());
      } else if (!accepted.isEmpty() && sent.isEmpty() && ambiguous == 0) {
        mismatches++;
        findings.add(
            "I3 mismatch: "
                + id
                + " row is "
                + members.get(0).status()
                + " but the platform accepted it");
      }
      for (JournalEntry entry : accepted) {
        boolean toItsRecipient =
            members.stream()
                .anyMatch(
                    r ->
                        r.recipient().equals(entry.recipient())
                            && r.platform().equals(entry.platform()));
        if (!toItsRecipient) {
          mismatches++;
          findings.add("I3 mismatch: " + id + " accepted for another recipient or platform");
        }
      }
      Instant first = members.get(0).scheduledTime();
      for (JournalEntry entry : entries) {
        if (entry.receivedAt().isBefore(first)) {
          early++;
          findings.add("I5 early: " + id + " received " + entry.receivedAt() + " before " + first);
        }
      }
      List<JournalEntry> acceptedInOrder = new ArrayList<>(accepted);
      acceptedInOrder.sort(Comparator.comparing(JournalEntry::receivedAt));
      List<RowState> delivered = new ArrayList<>(sent);
      for (int i = 0; i < Math.min(acceptedInOrder.size(), delivered.size()); i++) {
        JournalEntry entry = acceptedInOrder.get(i);
        RowState row = delivered.get(i);
        if (entry.receivedAt().isBefore(row.scheduledTime())
            && !entry.receivedAt().isBefore(first)) {
          early++;
          findings.add("I5 early: " + row.id() + " occurrence received before its time");
        }
        Instant deadline = row.deadline();
        if (deadline != null && entry.receivedAt().isAfter(deadline)) {
          late++;
          findings.add(
              "I5 late: "
                  + row.id()
                  + " received "
                  + entry.receivedAt()
                  + " after its window ended "
                  + deadline);
        }
      }
    }

    for (String stale : Set.copyOf(staleTexts)) {
      long delivered =
          byText.getOrDefault(stale, List.of()).stream().filter(JournalEntry::accepted).count();
      if (delivered > 0) {
        mismatches += (int) delivered;
        findings.add("I3 mismatch: an edited row's old version was delivered " + delivered + "x");
      }
    }

    int[] inversions = inversions(rows, byText, failedOver, findings);
    return new Verdict(
        rows.size(),
        lost,
        duplicates,
        outsideWindow,
        duplicateBound,
        crashRows,
        mismatches,
        early,
        late,
        inversions[0],
        inversions[1],
        0,
        failed,
        List.copyOf(findings));
  }

  /**
   * Pairs due together where the more urgent reached the platform more than the tolerance after the
   * less urgent: {@code [outside the crash window, inside it]}. A pair is inside the crash window
   * when the more urgent row's send was cut by a crash or an unknown outcome (root README,
   * "Priority under a backlog": it is retried after its claim lease, behind what was sent
   * meanwhile).
   */
  private int[] inversions(
      List<RowState> rows,
      Map<String, List<JournalEntry>> byText,
      Set<java.util.UUID> failedOver,
      List<String> findings) {
    Map<String, List<RowState>> groups = new LinkedHashMap<>();
    for (RowState row : rows) {
      if (row.groupKey() != null) {
        groups
            .computeIfAbsent(row.groupKey() + "/" + row.platform(), k -> new ArrayList<>())
            .add(row);
      }
    }
    int inversions = 0;
    int crashWindow = 0;
    for (Map.Entry<String, List<RowState>> group : groups.entrySet()) {
      Map<RowState, Instant> firstArrival = new LinkedHashMap<>();
      for (RowState row : group.getValue()) {
        byText.getOrDefault(row.text(), List.of()).stream()
            .map(JournalEntry::receivedAt)
            .min(Comparator.naturalOrder())
            .ifPresent(t -> firstArrival.put(row, t));
      }
      for (Map.Entry<RowState, Instant> urgent : firstArrival.entrySet()) {
        for (Map.Entry<RowState, Instant> other : firstArrival.entrySet()) {
          if (urgent.getKey().priority() < other.getKey().priority()
              && urgent.getValue().isAfter(other.getValue().plus(priorityTolerance))) {
            boolean retriedAfterCrash =
                urgent.getKey().unknownOutcomeAttempts() > 0
                    || failedOver.contains(urgent.getKey().id());
            if (retriedAfterCrash) {
              crashWindow++;
            } else {
              inversions++;
            }
            findings.add(
                (retriedAfterCrash ? "I4 crash-window inversion in " : "I4 inversion in ")
                    + group.getKey()
                    + ": p"
                    + urgent.getKey().priority()
                    + " "
                    + urgent.getKey().id()
                    + " arrived "
                    + Duration.between(other.getValue(), urgent.getValue()).toMillis()
                    + " ms after p"
                    + other.getKey().priority()
                    + " "
                    + other.getKey().id());
          }
        }
      }
    }
    return new int[] {inversions, crashWindow};
  }
}

package org.schedmsg.faults;

import java.util.List;

/**
 * The judged counts of one scenario, per invariant. {@code duplicateBound} is the crash window the
 * scenario may use (SENDER_SEND_CONCURRENCY per sender that died mid-send, 0 otherwise).
 *
 * @param messages rows of the scenario (the series' next occurrences included)
 * @param lost I1: rows still pending although due (nothing legitimately holds them)
 * @param duplicates I2: platform acceptances beyond one per delivered row
 * @param duplicatesOutsideCrashWindow of those, on rows without an abandoned attempt: no crash left
 *     their outcome unknown, so the documented window does not cover them
 * @param crashWindowRows rows whose attempt a crash abandoned (where duplicates may come from)
 * @param mismatches I3: rows whose final status disagrees with what the platform accepted, plus old
 *     versions (edited or cancelled) that reached the platform
 * @param early I5: requests the platform received before the row's scheduled_time
 * @param late I5: acceptances after scheduled_time + delivery window
 * @param inversions I4: pairs due together where the less urgent reached the platform more than the
 *     tolerance before the more urgent
 * @param crashWindowInversions I4 pairs whose more urgent row was retried after a crash or an
 *     unknown outcome (its claim lease had to run out first): the documented exception, counted
 *     apart and not failing the scenario
 * @param leaks I6: log lines holding a text, a recipient id or a secret
 * @param failed rows that ended failed (not an invariant: faults may legitimately cause it)
 * @param findings what failed, by row id and reason only (no content)
 */
record Verdict(
    int messages,
    int lost,
    int duplicates,
    int duplicatesOutsideCrashWindow,
    int duplicateBound,
    int crashWindowRows,
    int mismatches,
    int early,
    int late,
    int inversions,
    int crashWindowInversions,
    int leaks,
    int failed,
    List<String> findings) {

  boolean passed() {
    return lost == 0
        && duplicates <= duplicateBound
        && duplicatesOutsideCrashWindow == 0
        && mismatches == 0
        && early == 0
        && late == 0
        && inversions == 0
        && leaks == 0;
  }

  Verdict withLeaks(int leakCount, List<String> leakFindings) {
    List<String> all = new java.util.ArrayList<>(findings);
    all.addAll(leakFindings);
    return new Verdict(
        messages,
        lost,
        duplicates,
        duplicatesOutsideCrashWindow,
        duplicateBound,
        crashWindowRows,
        mismatches,
        early,
        late,
        inversions,
        crashWindowInversions,
        leakCount,
        failed,
        List.copyOf(all));
  }
}

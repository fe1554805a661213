package org.schedmsg.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Turns what was planned and what the platform received into delivery lateness, order and counts. A
 * request for a recipient the workload did not plan (a far-future backlog row) counts as early:
 * nothing else may reach the platform during a run.
 *
 * <p>With an end of the run, a message not delivered by then is recorded as late as the end
 * (censored): it would have arrived later still, so every percentile is then a lower bound.
 */
final class DeliveryAnalysis {
  private final Histogram lateness = Latencies.histogram();
  private int delivered;
  private int duplicates;
  private int early;
  private long inversions;
  private Instant firstReceipt;
  private Instant lastReceipt;

  private record Received(PlannedMessage message, Instant at) {}

  private DeliveryAnalysis() {}

  /** Every request of the run against every message it planned. */
  static DeliveryAnalysis of(List<PlannedMessage> planned, List<Delivery> deliveries) {
    return of(planned, deliveries, null);
  }

  /** As {@link #of(List, List)}, undelivered messages censored at {@code end} (null: not). */
  static DeliveryAnalysis of(List<PlannedMessage> planned, List<Delivery> deliveries, Instant end) {
    DeliveryAnalysis analysis = new DeliveryAnalysis();
    analysis.analyse(planned, deliveries, true, end);
    return analysis;
  }

  /** A subset of the planned messages: requests for other recipients are ignored. */
  static DeliveryAnalysis ofSubset(
      List<PlannedMessage> subset, List<Delivery> deliveries, Instant end) {
    DeliveryAnalysis analysis = new DeliveryAnalysis();
    analysis.analyse(subset, deliveries, false, end);
    return analysis;
  }

  private void analyse(
      List<PlannedMessage> planned,
      List<Delivery> deliveries,
      boolean unplannedAreEarly,
      Instant end) {
    Map<String, PlannedMessage> byRecipient = new HashMap<>();
    planned.forEach(m -> byRecipient.put(m.recipient(), m));
    Map<String, Received> first = new HashMap<>();
    for (Delivery d : deliveries) {
      PlannedMessage m = byRecipient.get(d.recipient());
      if (m == null) {
        if (unplannedAreEarly) {
          early++; // nothing unplanned may be delivered during a run
        }
        continue;
      }
      Received earlier = first.get(d.recipient());
      if (earlier == null || d.receivedAt().isBefore(earlier.at())) {
        first.put(d.recipient(), new Received(m, d.receivedAt()));
      }
      if (earlier != null) {
        duplicates++;
      }
    }
    List<Received> inOrder = new ArrayList<>(first.values());
    inOrder.sort(Comparator.comparing(Received::at));
    delivered = inOrder.size();
    firstReceipt = inOrder.isEmpty() ? null : inOrder.get(0).at();
    for (Received r : inOrder) {
      if (!Latencies.record(lateness, r.message().scheduledTime(), r.at())) {
        early++;
      }
      lastReceipt = r.at();
    }
    inversions = countInversions(inOrder);
    if (end != null) {
      planned.stream()
          .filter(m -> !first.containsKey(m.recipient()))
          .forEach(m -> Latencies.record(lateness, m.scheduledTime(), end));
    }
  }

  /**
   * In order of receipt, counts for each message the already received messages with the same due
   * instant and a strictly higher priority number (less urgent). Equal receive instants are not
   * inversions.
   */
  private static long countInversions(List<Received> inOrder) {
    Map<Instant, long[]> receivedByPriority = new HashMap<>();
    long count = 0;
    int i = 0;
    while (i < inOrder.size()) {
      int j = i;
      while (j < inOrder.size() && inOrder.get(j).at().equals(inOrder.get(i).at())) {
        j++;
      }
      for (int k = i; k < j; k++) {
        PlannedMessage m = inOrder.get(k).message();
        long[] seen = receivedByPriority.get(m.scheduledTime());
        if (seen != null) {
          for (int p = m.priority() + 1; p <= 9; p++) {
            count += seen[p];
          }
        }
      }
      for (int k = i; k < j; k++) {
        PlannedMessage m = inOrder.get(k).message();
        receivedByPriority.computeIfAbsent(m.scheduledTime(), t -> new long[10])[m.priority()]++;
      }
      i = j;
    }
    return count;
  }

  Histogram lateness() {
    return lateness;
  }

  int delivered() {
    return delivered;
  }

  int duplicates() {
    return duplicates;
  }

  int early() {
    return early;
  }

  long inversions() {
    return inversions;
  }

  /** The first receipt of a planned message (null when none arrived). */
  Instant firstReceipt() {
    return firstReceipt;
  }

  /** Delivered per second from {@code firstDue} to the last receipt. */
  double throughput(Instant firstDue) {
    if (lastReceipt == null) {
      return 0;
    }
    double seconds = Duration.between(firstDue, lastReceipt).toNanos() / 1e9;
    return seconds <= 0 ? Double.NaN : delivered / seconds;
  }
}

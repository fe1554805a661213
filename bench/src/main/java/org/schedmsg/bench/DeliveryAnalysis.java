package org.schedmsg.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Turns what was planned and what the platform received into lateness, order and counts. */
final class DeliveryAnalysis {
  private static final long HIGHEST_TRACKABLE_MICROS = Duration.ofHours(1).toNanos() / 1000;

  private final Histogram lateness = new Histogram(HIGHEST_TRACKABLE_MICROS, 3);
  private int delivered;
  private int duplicates;
  private int early;
  private long inversions;
  private Instant lastReceipt;

  private record Received(PlannedMessage message, Instant at) {}

  private DeliveryAnalysis() {}

  static DeliveryAnalysis of(List<PlannedMessage> planned, List<Delivery> deliveries) {
    DeliveryAnalysis analysis = new DeliveryAnalysis();
    analysis.analyse(planned, deliveries);
    return analysis;
  }

  private void analyse(List<PlannedMessage> planned, List<Delivery> deliveries) {
    Map<String, PlannedMessage> byRecipient = new HashMap<>();
    planned.forEach(m -> byRecipient.put(m.recipient(), m));
    Map<String, Received> first = new HashMap<>();
    for (Delivery d : deliveries) {
      PlannedMessage m = byRecipient.get(d.recipient());
      if (m == null) {
        continue; // not part of this workload
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
    for (Received r : inOrder) {
      long micros = Duration.between(r.message().scheduledTime(), r.at()).toNanos() / 1000;
      if (micros < 0) {
        early++;
      }
      lateness.recordValue(Math.min(Math.max(micros, 0), HIGHEST_TRACKABLE_MICROS));
      lastReceipt = r.at();
    }
    inversions = countInversions(inOrder);
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

  /** Delivered per second from {@code firstDue} to the last receipt. */
  double throughput(Instant firstDue) {
    if (lastReceipt == null) {
      return 0;
    }
    double seconds = Duration.between(firstDue, lastReceipt).toNanos() / 1e9;
    return seconds <= 0 ? Double.NaN : delivered / seconds;
  }
}

package org.schedmsg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeliveryAnalysisTest {
  private static final Instant DUE = Instant.parse("2026-11-29T08:00:00Z");

  private static PlannedMessage message(String recipient, int priority, Instant due) {
    return new PlannedMessage(UUID.randomUUID(), recipient, priority, due);
  }

  private static Delivery at(String recipient, long millisAfterDue) {
    return new Delivery(recipient, DUE.plusMillis(millisAfterDue));
  }

  @Test
  void shouldMeasureLatenessFromScheduledTimeWhenAllArriveLate() {
    var analysis =
        DeliveryAnalysis.of(
            List.of(message("1", 1, DUE), message("2", 1, DUE)), List.of(at("1", 10), at("2", 30)));

    assertThat(analysis.delivered()).isEqualTo(2);
    assertThat(analysis.early()).isZero();
    assertThat(analysis.lateness().getMaxValue()).isBetween(29_900L, 30_100L);
    assertThat(analysis.throughput(DUE)).isBetween(66.0, 67.0);
  }

  @Test
  void shouldCountEarlyDeliveryWhenReceivedBeforeScheduledTime() {
    var analysis = DeliveryAnalysis.of(List.of(message("1", 5, DUE)), List.of(at("1", -1)));

    assertThat(analysis.early()).isEqualTo(1);
  }

  @Test
  void shouldCountDuplicateWhenMessageArrivesTwice() {
    var analysis =
        DeliveryAnalysis.of(List.of(message("1", 5, DUE)), List.of(at("1", 5), at("1", 9)));

    assertThat(analysis.delivered()).isEqualTo(1);
    assertThat(analysis.duplicates()).isEqualTo(1);
  }

  @Test
  void shouldCountInversionWhenLessUrgentSameInstantMessageArrivesFirst() {
    var analysis =
        DeliveryAnalysis.of(
            List.of(message("urgent", 1, DUE), message("normal", 5, DUE), message("bulk", 9, DUE)),
            List.of(at("bulk", 1), at("urgent", 2), at("normal", 3)));

    // bulk before urgent, bulk before normal
    assertThat(analysis.inversions()).isEqualTo(2);
  }

  @Test
  void shouldCountNoInversionWhenPrioritiesAreDueAtDifferentInstants() {
    var analysis =
        DeliveryAnalysis.of(
            List.of(message("urgent", 1, DUE.plusSeconds(1)), message("bulk", 9, DUE)),
            List.of(at("bulk", 1), at("urgent", 1001)));

    assertThat(analysis.inversions()).isZero();
  }

  @Test
  void shouldCountUnplannedRequestAsEarlyWhenAnalysingTheWholeRun() {
    var analysis =
        DeliveryAnalysis.of(List.of(message("1", 5, DUE)), List.of(at("1", 5), at("backlog", 5)));

    assertThat(analysis.early()).isEqualTo(1);
    assertThat(analysis.delivered()).isEqualTo(1);
  }

  @Test
  void shouldIgnoreOtherRecipientsWhenAnalysingASubset() {
    var urgent = message("urgent", 1, DUE);
    var analysis =
        DeliveryAnalysis.ofSubset(List.of(urgent), List.of(at("bulk", 1), at("urgent", 40)), null);

    assertThat(analysis.early()).isZero();
    assertThat(analysis.delivered()).isEqualTo(1);
    assertThat(analysis.lateness().getMaxValue()).isBetween(39_900L, 40_100L);
  }

  @Test
  void shouldReportFirstReceiptWhenSeveralArrive() {
    var analysis =
        DeliveryAnalysis.of(
            List.of(message("1", 1, DUE), message("2", 1, DUE)), List.of(at("2", 30), at("1", 10)));

    assertThat(analysis.firstReceipt()).isEqualTo(DUE.plusMillis(10));
  }

  @Test
  void shouldCountUndeliveredMessageAsLateAsTheEndWhenCensored() {
    var analysis =
        DeliveryAnalysis.of(
            List.of(message("1", 1, DUE), message("2", 1, DUE)),
            List.of(at("1", 10)),
            DUE.plusSeconds(60));

    assertThat(analysis.delivered()).isEqualTo(1);
    assertThat(analysis.lateness().getTotalCount()).isEqualTo(2);
    assertThat(analysis.lateness().getMaxValue()).isBetween(59_900_000L, 60_100_000L);
  }
}

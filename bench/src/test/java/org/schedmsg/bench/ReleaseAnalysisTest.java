package org.schedmsg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReleaseAnalysisTest {
  private static final Instant DUE = Instant.parse("2026-11-29T08:00:00Z");

  private static PlannedMessage message() {
    return new PlannedMessage(UUID.randomUUID(), "r", 1, DUE);
  }

  @Test
  void shouldMeasureReleaseLatenessFromScheduledTimeWhenReleasedLate() {
    PlannedMessage a = message();
    PlannedMessage b = message();
    ReleaseLog log = new ReleaseLog();
    log.released(a.id(), DUE.plusMillis(20));
    log.released(b.id(), DUE.plusMillis(250));

    ReleaseAnalysis analysis = ReleaseAnalysis.of(List.of(a, b), log);

    assertThat(analysis.released()).isEqualTo(2);
    assertThat(analysis.early()).isZero();
    assertThat(analysis.lateness().getMaxValue()).isBetween(249_000L, 251_000L);
  }

  @Test
  void shouldCountEarlyReleaseWhenReleasedBeforeScheduledTime() {
    PlannedMessage a = message();
    ReleaseLog log = new ReleaseLog();
    log.released(a.id(), DUE.minusMillis(1));

    assertThat(ReleaseAnalysis.of(List.of(a), log).early()).isEqualTo(1);
  }

  @Test
  void shouldKeepFirstReleaseWhenReleasedTwice() {
    PlannedMessage a = message();
    ReleaseLog log = new ReleaseLog();
    log.released(a.id(), DUE.plusMillis(5));
    log.released(a.id(), DUE.plusSeconds(30));

    assertThat(ReleaseAnalysis.of(List.of(a), log).lateness().getMaxValue()).isLessThan(6_000L);
  }

  @Test
  void shouldNotCountMessageWhenNeverReleased() {
    ReleaseAnalysis analysis = ReleaseAnalysis.of(List.of(message()), new ReleaseLog());

    assertThat(analysis.released()).isZero();
    assertThat(analysis.lateness().getTotalCount()).isZero();
  }

  @Test
  void shouldCountUnreleasedMessageAsLateAsTheEndWhenCensored() {
    ReleaseAnalysis analysis =
        ReleaseAnalysis.of(List.of(message()), new ReleaseLog(), DUE.plusSeconds(5));

    assertThat(analysis.released()).isZero();
    assertThat(analysis.lateness().getMaxValue()).isBetween(4_990_000L, 5_010_000L);
  }
}

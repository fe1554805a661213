package org.schedmsg.sender.core.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.schedmsg.sender.core.testing.SettableClock;

class SendPacerTest {
  private final SettableClock clock = new SettableClock(Instant.parse("2026-11-29T08:00:00Z"));
  private final Sleeper advanceClock = clock::advance;

  @Test
  void shouldNeverExceedConfiguredRateWhenManySendsAreDue() throws InterruptedException {
    SendPacer pacer = new SendPacer(settings(30, Duration.ZERO), clock, advanceClock);
    List<Instant> starts = new ArrayList<>();

    for (int i = 0; i < 200; i++) {
      pacer.acquire("chat-" + i);
      starts.add(clock.instant());
    }

    assertThat(maxInAnySecond(starts)).isEqualTo(30);
    assertThat(Duration.between(starts.get(0), starts.get(199))).isLessThan(Duration.ofSeconds(9));
  }

  /**
   * The platform counts arrivals, which spread beyond the starts: a send whose start would be the
   * 31st within 1.2 s waits, so arrivals up to {@link SendPacer#ARRIVAL_JITTER} late still keep
   * every platform second within the rate.
   */
  @Test
  void shouldLeaveArrivalJitterBeforeTheNextWindowWhenRateIsReached() throws InterruptedException {
    SendPacer pacer = new SendPacer(settings(30, Duration.ZERO), clock, advanceClock);
    Instant first = clock.instant();
    for (int i = 0; i < 30; i++) {
      pacer.acquire("chat-" + i);
    }

    pacer.acquire("chat-30");

    assertThat(Duration.between(first, clock.instant()))
        .isEqualTo(Duration.ofSeconds(1).plus(SendPacer.ARRIVAL_JITTER));
  }

  @Test
  void shouldSpaceSendsToOneChatWhenRecipientIntervalSet() throws InterruptedException {
    SendPacer pacer = new SendPacer(settings(30, Duration.ofSeconds(1)), clock, advanceClock);
    List<Instant> starts = new ArrayList<>();

    for (int i = 0; i < 5; i++) {
      pacer.acquire("same-chat");
      starts.add(clock.instant());
    }

    for (int i = 1; i < starts.size(); i++) {
      assertThat(Duration.between(starts.get(i - 1), starts.get(i)))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }
  }

  /** The most starts in any half-open window (t - 1 s, t]. */
  static int maxInAnySecond(List<Instant> starts) {
    int max = 0;
    for (Instant end : starts) {
      Instant begin = end.minusSeconds(1);
      int count = (int) starts.stream().filter(s -> s.isAfter(begin) && !s.isAfter(end)).count();
      max = Math.max(max, count);
    }
    return max;
  }

  private static ThrottleSettings settings(int perSecond, Duration recipientInterval) {
    return new ThrottleSettings(
        perSecond,
        recipientInterval,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30));
  }

  /**
   * The rule of {@link RateShare}: an instance owning half the delivery topic's partitions paces at
   * half the rate, so two instances together keep the platform's rate.
   */
  @Test
  void shouldPaceAtItsShareOfTheRateWhenPartitionsAreSplitAcrossInstances()
      throws InterruptedException {
    RateShare share = RateShare.whole();
    share.set(2, 4);
    SendPacer pacer = new SendPacer(settings(30, Duration.ZERO), share, clock, advanceClock);
    List<Instant> starts = new ArrayList<>();

    for (int i = 0; i < 100; i++) {
      pacer.acquire("chat-" + i);
      starts.add(clock.instant());
    }

    assertThat(maxInAnySecond(starts)).isEqualTo(15);
    assertThat(pacer.twin().share()).as("both pacers of a sender keep one share").isSameAs(share);
  }

  /**
   * Many partitions and a low rate: a share under one send per window widens the window, so eight
   * instances owning one of eight partitions each still add up to at most the rate (2/s here).
   */
  @Test
  void shouldWidenWindowWhenShareIsUnderOneSendPerWindow() throws InterruptedException {
    RateShare share = RateShare.whole();
    share.set(1, 8);
    SendPacer pacer = new SendPacer(settings(2, Duration.ZERO), share, clock, advanceClock);
    List<Instant> starts = new ArrayList<>();

    for (int i = 0; i < 5; i++) {
      pacer.acquire("chat-" + i);
      starts.add(clock.instant());
    }

    for (int i = 1; i < starts.size(); i++) {
      Duration gap = Duration.between(starts.get(i - 1), starts.get(i));
      // 8 instances x one send per gap <= 2 per second of 1.2 s window
      assertThat(gap).isEqualTo(Duration.ofMillis(1200 * 8 / 2));
    }
  }

  @Test
  void shouldRefuseShareThatIsNotOne() {
    RateShare share = RateShare.whole();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> share.set(3, 2))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> share.set(0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

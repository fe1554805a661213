package org.schedmsg.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;

class ClockTimeTest {
  private static final Instant T = Instant.parse("2026-12-03T10:00:00Z");

  @Test
  void shouldUseKafkaSystemTimeWhenClockIsTheSystemClock() {
    assertThat(ClockTime.of(Clock.systemUTC())).isSameAs(Time.SYSTEM);
  }

  @Test
  void shouldReadWallClockMillisecondsFromTheClock() {
    Time time = ClockTime.of(Clock.fixed(T, ZoneOffset.UTC));

    assertThat(time.milliseconds()).isEqualTo(T.toEpochMilli());
  }

  @Test
  void shouldTimeOutWaitWhenDeadlineHasPassedByTheClock() {
    Time time = ClockTime.of(Clock.fixed(T, ZoneOffset.UTC));
    Object lock = new Object();

    assertThatThrownBy(() -> time.waitObject(lock, () -> false, T.toEpochMilli()))
        .isInstanceOf(TimeoutException.class);
  }
}

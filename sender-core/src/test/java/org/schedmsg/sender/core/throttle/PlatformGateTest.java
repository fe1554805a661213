package org.schedmsg.sender.core.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.schedmsg.sender.core.client.SendResult;

class PlatformGateTest {
  static final ThrottleSettings SETTINGS =
      new ThrottleSettings(
          30,
          Duration.ofSeconds(1),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30));
  private final Instant now = Instant.parse("2026-11-29T08:00:00Z");
  private final PlatformGate gate = new PlatformGate("telegram", SETTINGS);

  @Test
  void shouldPauseWholePlatformForRetryAfterWhenPlatformRateLimited() {
    gate.onResult(
        new SendResult.RateLimited(
            "telegram:429", SendResult.Scope.PLATFORM, Duration.ofSeconds(7)),
        "1",
        now);

    assertThat(gate.holdFor("2", now.plusSeconds(6))).isEqualTo(PlatformGate.Hold.PLATFORM);
    assertThat(gate.holdFor("2", now.plusSeconds(7))).isEqualTo(PlatformGate.Hold.NONE);
    assertThat(gate.isHealthy()).isTrue();
  }

  @Test
  void shouldUseConfiguredBackoffWhenRateLimitNamesNoWait() {
    gate.onResult(
        new SendResult.RateLimited("whatsapp:130429", SendResult.Scope.PLATFORM, null), "1", now);

    assertThat(gate.platformPausedUntil()).isEqualTo(now.plusSeconds(5));
  }

  @Test
  void shouldCapPauseAtMaxRetryAfterWhenPlatformAsksForLonger() {
    gate.onResult(
        new SendResult.RateLimited(
            "telegram:429", SendResult.Scope.PLATFORM, Duration.ofDays(365 * 30)),
        "1",
        now);

    assertThat(PlatformGate.MAX_RETRY_AFTER).isEqualTo(Duration.ofHours(1));
    assertThat(gate.platformPausedUntil()).isEqualTo(now.plus(PlatformGate.MAX_RETRY_AFTER));
    assertThat(gate.holdFor("2", now.plus(PlatformGate.MAX_RETRY_AFTER)))
        .isEqualTo(PlatformGate.Hold.NONE);
  }

  @Test
  void shouldCapPauseAtMaxRetryAfterWhenWaitIsBeyondAnyInstant() {
    Duration pause =
        gate.onResult(
            new SendResult.RateLimited(
                "telegram:429", SendResult.Scope.PLATFORM, Duration.ofSeconds(Long.MAX_VALUE)),
            "1",
            now);

    assertThat(pause).isEqualTo(PlatformGate.MAX_RETRY_AFTER);
    assertThat(gate.platformPausedUntil()).isEqualTo(now.plus(PlatformGate.MAX_RETRY_AFTER));
  }

  @Test
  void shouldCapRecipientPauseAtMaxRetryAfterWhenRecipientRateLimitAsksForLonger() {
    gate.onResult(
        new SendResult.RateLimited(
            "whatsapp:131056", SendResult.Scope.RECIPIENT, Duration.ofDays(2)),
        "1",
        now);

    assertThat(gate.holdFor("1", now.plus(PlatformGate.MAX_RETRY_AFTER).minusSeconds(1)))
        .isEqualTo(PlatformGate.Hold.RECIPIENT);
    assertThat(gate.holdFor("1", now.plus(PlatformGate.MAX_RETRY_AFTER)))
        .isEqualTo(PlatformGate.Hold.NONE);
  }

  @Test
  void shouldUseConfiguredBackoffWhenRetryAfterIsNotPositive() {
    for (Duration asked : new Duration[] {Duration.ofSeconds(-30), Duration.ZERO}) {
      PlatformGate fresh = new PlatformGate("telegram", SETTINGS);

      Duration pause =
          fresh.onResult(
              new SendResult.RateLimited("telegram:429", SendResult.Scope.PLATFORM, asked),
              "1",
              now);

      assertThat(pause).as("retry_after %s", asked).isEqualTo(Duration.ofSeconds(5));
      assertThat(fresh.platformPausedUntil()).isEqualTo(now.plusSeconds(5));
    }
  }

  @Test
  void shouldBackOffOnlyThatRecipientWhenRecipientRateLimited() {
    gate.onResult(
        new SendResult.RateLimited("whatsapp:131056", SendResult.Scope.RECIPIENT, null), "1", now);

    assertThat(gate.holdFor("1", now.plusSeconds(9))).isEqualTo(PlatformGate.Hold.RECIPIENT);
    assertThat(gate.holdFor("2", now)).isEqualTo(PlatformGate.Hold.NONE);
    assertThat(gate.holdFor("1", now.plusSeconds(10))).isEqualTo(PlatformGate.Hold.NONE);
  }

  @Test
  void shouldStayUnhealthyUntilNonFatalAnswerWhenFatal() {
    gate.onResult(new SendResult.Fatal("telegram:401_unauthorized"), "1", now);

    assertThat(gate.isHealthy()).isFalse();
    assertThat(gate.holdFor("1", now.plusSeconds(29))).isEqualTo(PlatformGate.Hold.PLATFORM);
    assertThat(gate.holdFor("1", now.plusSeconds(30))).isEqualTo(PlatformGate.Hold.NONE);
    assertThat(gate.isHealthy()).isFalse();

    gate.onResult(new SendResult.Delivered("9"), "1", now.plusSeconds(30));

    assertThat(gate.isHealthy()).isTrue();
  }
}

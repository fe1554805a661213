package org.schedmsg.sender.core.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutagePauseTest {
  @Test
  void shouldDoubleDelayUpToMaxWhenFailuresRepeat() {
    OutagePause pause = new OutagePause(Duration.ofMillis(100), Duration.ofSeconds(1));

    assertThat(pause.delay(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(pause.delay(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(pause.delay(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(pause.delay(5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(pause.delay(500)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void shouldReturnFalseAtOnceWhenStopped() {
    OutagePause pause = new OutagePause(Duration.ofHours(1), Duration.ofHours(1));
    pause.stop();

    assertThat(pause.await(1)).isFalse();
    assertThat(pause.isStopped()).isTrue();
  }

  @Test
  void shouldRestoreInterruptFlagWhenInterrupted() {
    OutagePause pause = new OutagePause(Duration.ofHours(1), Duration.ofHours(1));
    Thread.currentThread().interrupt();

    assertThat(pause.await(1)).isFalse();
    assertThat(Thread.interrupted()).isTrue();
  }
}

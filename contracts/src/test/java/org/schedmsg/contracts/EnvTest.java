package org.schedmsg.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.config.Env;

class EnvTest {
  @Test
  void shouldParseDurationsWhenGivenUnitsOrIso() {
    Env env = new Env(Map.of("A", "100ms", "B", "30s", "C", "5m", "D", "PT2S", "F", "7d"));
    assertThat(env.duration("A", Duration.ZERO)).isEqualTo(Duration.ofMillis(100));
    assertThat(env.duration("B", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
    assertThat(env.duration("C", Duration.ZERO)).isEqualTo(Duration.ofMinutes(5));
    assertThat(env.duration("D", Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
    assertThat(env.duration("E", Duration.ofDays(1))).isEqualTo(Duration.ofDays(1));
    assertThat(env.duration("F", Duration.ZERO)).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void shouldNameKeyButNotValueWhenInvalid() {
    Env env = new Env(Map.of("SECRET_NUMBER", "hunter2"));
    assertThatThrownBy(() -> env.integer("SECRET_NUMBER", 1))
        .hasMessageContaining("SECRET_NUMBER")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> env.required("MISSING")).hasMessageContaining("MISSING");
  }

  @Test
  void shouldTreatBlankAsAbsentWhenRead() {
    Env env = new Env(Map.of("A", "  "));
    assertThat(env.string("A", "dflt")).isEqualTo("dflt");
  }
}

package org.schedmsg.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.config.Env;

class OpsConfigTest {
  @Test
  void shouldUseAppDefaultWhenPortIsNotSet() {
    assertThat(OpsConfig.fromEnv(new Env(Map.of()), OpsConfig.SCHEDULER_PORT).port())
        .isEqualTo(9402);
    assertThat(OpsConfig.fromEnv(new Env(Map.of("OPS_PORT", "0")), 9402).port()).isZero();
  }

  @Test
  void shouldNameKeyWhenPortIsInvalid() {
    assertThatThrownBy(() -> OpsConfig.fromEnv(new Env(Map.of("OPS_PORT", "70000")), 1))
        .hasMessageContaining("OPS_PORT");
  }
}

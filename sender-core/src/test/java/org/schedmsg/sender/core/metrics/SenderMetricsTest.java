package org.schedmsg.sender.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SenderMetricsTest {
  @Test
  void shouldReportHealthWhenGaugeIsRead() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicBoolean healthy = new AtomicBoolean(true);
    new SenderMetrics(registry, "telegram").healthGauge(healthy::get);
    System.gc();

    assertThat(registry.get(SenderMetrics.HEALTHY).tag("platform", "telegram").gauge().value())
        .isEqualTo(1.0);
    healthy.set(false);
    assertThat(registry.get(SenderMetrics.HEALTHY).gauge().value()).isZero();
  }
}

package org.schedmsg.scheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.schedmsg.scheduler.topology.SchedulerDriver.INTERVAL;
import static org.schedmsg.scheduler.topology.SchedulerDriver.START;

import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.scheduler.MessageRow;
import org.schedmsg.scheduler.metrics.SchedulerMetrics;
import org.schedmsg.scheduler.processor.RejectionReasons;

class MetricsTest {
  @TempDir Path stateDir;

  private SchedulerDriver driver;

  @BeforeEach
  void startDriver() {
    driver = SchedulerDriver.withDefaults(stateDir);
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void shouldCountPendingByPlatformAndPriorityWhenIndexedMovedAndEnded() {
    MessageRow moved = MessageRow.pendingAt(START.plusSeconds(60)).priority(3);
    driver.pipe(moved.build());
    driver.pipe(MessageRow.pendingAt(START.plusSeconds(60)).priority(3).build());
    MessageRow ended = MessageRow.pendingAt(START.plusSeconds(60)).platform(Platform.WHATSAPP);
    driver.pipe(ended.build());

    driver.pipe(moved.priority(1).build());
    driver.pipe(ended.status(MessageStatus.CANCELLED).build());

    assertThat(pending(Platform.TELEGRAM, 1)).isEqualTo(1.0);
    assertThat(pending(Platform.TELEGRAM, 3)).isEqualTo(1.0);
    assertThat(pending(Platform.WHATSAPP, 5)).isZero();
  }

  @Test
  void shouldExportEveryRejectionCounterAtZeroBeforeTheFirstRejection() {
    // an alert on increase() misses the first rejection after a restart if the series is born
    // with it; every platform and reason class is exported from the start
    for (Platform platform : Platform.values()) {
      for (String reason : RejectionReasons.ALL) {
        assertThat(
                driver
                    .registry
                    .get(SchedulerMetrics.REJECTED)
                    .tag(SchedulerMetrics.TAG_PLATFORM, platform.id())
                    .tag(SchedulerMetrics.TAG_REASON, reason)
                    .counter()
                    .count())
            .as(platform.id() + " " + reason)
            .isZero();
      }
    }
  }

  @Test
  void shouldRecordLatenessAndReleasesWhenReleased() {
    driver.pipe(MessageRow.pendingAt(START.minusMillis(400)).build());

    driver.advance(INTERVAL);

    Timer lateness =
        driver
            .registry
            .get(SchedulerMetrics.LATENESS)
            .tag(SchedulerMetrics.TAG_PLATFORM, "telegram")
            .timer();
    assertThat(lateness.count()).isEqualTo(1);
    assertThat(lateness.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(500.0);
    assertThat(
            driver
                .registry
                .get(SchedulerMetrics.RELEASED)
                .tag(SchedulerMetrics.TAG_PLATFORM, "telegram")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  private double pending(Platform platform, int priority) {
    return driver
        .registry
        .get(SchedulerMetrics.PENDING)
        .tag(SchedulerMetrics.TAG_PLATFORM, platform.id())
        .tag(SchedulerMetrics.TAG_PRIORITY, Integer.toString(priority))
        .gauge()
        .value();
  }
}

package org.schedmsg.scheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.schedmsg.scheduler.topology.SchedulerDriver.INTERVAL;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.scheduler.MessageRow;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.scheduler.processor.SenderBacklog;

/**
 * {@code SCHEDULER_MAX_UNSENT}: while a platform's senders have that many released messages
 * outstanding, the scheduler releases no more of that platform, so a backlog waits in the priority
 * index (where an urgent message overtakes it) instead of in the FIFO delivery topic.
 */
class SenderBackPressureTest {
  private static final int MAX_UNSENT = 20;

  @TempDir Path stateDir;

  private final MeasuredBacklog backlog = new MeasuredBacklog();
  private SchedulerDriver driver;

  /** Measurements set by the test, as the lag monitor would publish them. */
  private static final class MeasuredBacklog implements SenderBacklog {
    private final Map<Platform, Measurement> latest = new EnumMap<>(Platform.class);
    private long sequence;

    void measure(Platform platform, long unsent) {
      latest.put(platform, new Measurement(unsent, ++sequence));
    }

    void measure(Platform platform, long unsent, double donePerSecond) {
      latest.put(platform, new Measurement(unsent, ++sequence, donePerSecond));
    }

    @Override
    public Measurement latest(Platform platform) {
      return latest.get(platform);
    }
  }

  @AfterEach
  void closeDriver() {
    if (driver != null) {
      driver.close();
    }
  }

  private void start(int maxUnsent) {
    driver =
        new SchedulerDriver(
            SchedulerDriver.config(
                stateDir,
                SchedulerConfig.DEFAULT_MAX_RELEASES_PER_PUNCTUATION,
                SchedulerDriver.UNLIMITED_RATE,
                SchedulerConfig.DEFAULT_MAX_ATTEMPTS,
                maxUnsent),
            backlog);
  }

  @Test
  void shouldHoldReleasesWhileSendersHaveMaxUnsentOutstanding() {
    start(MAX_UNSENT);
    backlog.measure(Platform.TELEGRAM, 0);
    List<UUID> bulk = driver.pipeDue(100, 9, Platform.TELEGRAM);

    driver.advance(INTERVAL);
    List<UUID> first = SchedulerDriver.ids(driver.telegram.readValuesToList());
    driver.advance(INTERVAL);
    int whileBehind = driver.telegram.readValuesToList().size();
    backlog.measure(Platform.TELEGRAM, 5); // the senders did 15 of the 20
    driver.advance(INTERVAL);
    List<UUID> afterProgress = SchedulerDriver.ids(driver.telegram.readValuesToList());

    assertThat(first).containsExactlyElementsOf(bulk.subList(0, MAX_UNSENT));
    assertThat(whileBehind).isZero();
    assertThat(afterProgress).containsExactlyElementsOf(bulk.subList(MAX_UNSENT, MAX_UNSENT + 15));
  }

  @Test
  void shouldHoldReleasesAtMaxUnsentTimeOfSendsAtSendersMeasuredRate() {
    start(1000); // SCHEDULER_MAX_UNSENT_TIME is its default, 2 s
    backlog.measure(Platform.TELEGRAM, 0, 150.0);
    List<UUID> bulk = driver.pipeDue(700, 9, Platform.TELEGRAM);

    driver.advance(INTERVAL);
    List<UUID> atSlowRate = SchedulerDriver.ids(driver.telegram.readValuesToList());
    backlog.measure(Platform.TELEGRAM, 0, 0.0); // senders done with them, then idle
    driver.advance(INTERVAL);
    List<UUID> whenIdle = SchedulerDriver.ids(driver.telegram.readValuesToList());
    backlog.measure(Platform.TELEGRAM, 0, 5000.0);
    driver.advance(INTERVAL);
    List<UUID> atFastRate = SchedulerDriver.ids(driver.telegram.readValuesToList());

    assertThat(atSlowRate).containsExactlyElementsOf(bulk.subList(0, 300));
    assertThat(whenIdle).containsExactlyElementsOf(bulk.subList(300, 400));
    assertThat(atFastRate).containsExactlyElementsOf(bulk.subList(400, 700));
  }

  @Test
  void shouldLetUrgentMessageOvertakeHeldBacklogWhenSendersCatchUp() {
    start(MAX_UNSENT);
    backlog.measure(Platform.TELEGRAM, MAX_UNSENT);
    List<UUID> bulk = driver.pipeDue(100, 9, Platform.TELEGRAM);
    driver.advance(INTERVAL);
    assertThat(driver.telegram.readValuesToList()).isEmpty();

    ScheduledMessage urgent = MessageRow.pendingAt(driver.now()).priority(1).build();
    driver.pipe(urgent);
    backlog.measure(Platform.TELEGRAM, MAX_UNSENT - 3);
    driver.advance(INTERVAL);

    assertThat(SchedulerDriver.ids(driver.telegram.readValuesToList()))
        .containsExactly(urgent.id(), bulk.get(0), bulk.get(1));
  }

  @Test
  void shouldKeepOtherPlatformReleasingWhenOnePlatformsSendersAreBehind() {
    start(MAX_UNSENT);
    backlog.measure(Platform.TELEGRAM, 500);
    backlog.measure(Platform.WHATSAPP, 0);
    driver.pipeDue(10, 1, Platform.TELEGRAM);
    List<UUID> whatsapp = driver.pipeDue(10, 5, Platform.WHATSAPP);

    driver.advance(INTERVAL);

    assertThat(driver.telegram.readValuesToList()).isEmpty();
    assertThat(SchedulerDriver.ids(driver.whatsapp.readValuesToList()))
        .containsExactlyElementsOf(whatsapp);
  }

  @Test
  void shouldNotHoldReleasesWhenBacklogIsUnmeasuredOrLimitIsOff() {
    start(MAX_UNSENT);
    List<UUID> unmeasured = driver.pipeDue(50, 9, Platform.TELEGRAM);
    driver.advance(INTERVAL);
    assertThat(SchedulerDriver.ids(driver.telegram.readValuesToList()))
        .containsExactlyElementsOf(unmeasured);
    driver.close();

    start(0);
    backlog.measure(Platform.TELEGRAM, 1_000_000);
    List<UUID> unlimited = driver.pipeDue(50, 9, Platform.TELEGRAM);
    driver.advance(INTERVAL);
    assertThat(SchedulerDriver.ids(driver.telegram.readValuesToList()))
        .containsExactlyElementsOf(unlimited);
  }
}

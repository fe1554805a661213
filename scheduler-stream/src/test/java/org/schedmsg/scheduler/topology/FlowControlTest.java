package org.schedmsg.scheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.schedmsg.scheduler.topology.SchedulerDriver.INTERVAL;
import static org.schedmsg.scheduler.topology.SchedulerDriver.START;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.scheduler.MessageRow;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.scheduler.processor.TaskShare;

/** Release rate per platform, priority under a backlog, resumable scans and bounded work. */
class FlowControlTest {
  @TempDir Path stateDir;

  private SchedulerDriver driver;

  @AfterEach
  void closeDriver() {
    if (driver != null) {
      driver.close();
    }
  }

  @Test
  void shouldLetUrgentMessageOvertakeBulkBacklogWhenRateLimited() {
    start(SchedulerConfig.DEFAULT_MAX_RELEASES_PER_PUNCTUATION, 10);
    List<UUID> bulk = driver.pipeDue(100, 9, Platform.TELEGRAM);
    driver.advance(INTERVAL);
    List<UUID> first = SchedulerDriver.ids(driver.telegram.readValuesToList());
    assertThat(first).hasSize(10).containsExactlyElementsOf(bulk.subList(0, 10));

    ScheduledMessage urgent = MessageRow.pendingAt(driver.now()).priority(1).build();
    driver.pipe(urgent);
    driver.advance(INTERVAL);

    assertThat(SchedulerDriver.ids(driver.telegram.readValuesToList()))
        .containsExactly(urgent.id());
    for (int tick = 0; tick < 100; tick++) {
      driver.advance(INTERVAL);
    }
    List<UUID> rest = SchedulerDriver.ids(driver.telegram.readValuesToList());
    assertThat(rest).containsExactlyElementsOf(bulk.subList(10, 100));
  }

  @Test
  void shouldReleaseAtMostRatePerSecondWhenBacklogForms() {
    start(SchedulerConfig.DEFAULT_MAX_RELEASES_PER_PUNCTUATION, 10);
    driver.pipeDue(200, 5, Platform.TELEGRAM);

    driver.advance(INTERVAL);
    int burst = driver.telegram.readValuesToList().size();
    int perSecond = 0;
    for (int tick = 0; tick < 10; tick++) {
      driver.advance(INTERVAL);
      perSecond += driver.telegram.readValuesToList().size();
    }

    assertThat(burst).isEqualTo(10);
    assertThat(perSecond).isEqualTo(10);
  }

  /**
   * The rule of {@link TaskShare}: with a CDC topic of four partitions, each task releases a
   * quarter of the rate, so four tasks together keep it wherever they run.
   */
  @Test
  void shouldReleaseItsShareOfTheRateWhenCdcTopicHasSeveralPartitions() {
    driver =
        new SchedulerDriver(
            SchedulerDriver.config(
                stateDir, SchedulerConfig.DEFAULT_MAX_RELEASES_PER_PUNCTUATION, 20, 5),
            new TaskShare(4));
    driver.pipeDue(200, 5, Platform.TELEGRAM);

    driver.advance(INTERVAL);
    int burst = driver.telegram.readValuesToList().size();
    int perSecond = 0;
    for (int tick = 0; tick < 10; tick++) {
      driver.advance(INTERVAL);
      perSecond += driver.telegram.readValuesToList().size();
    }

    assertThat(burst).isEqualTo(5);
    assertThat(perSecond).isEqualTo(5);
  }

  /** A share under one release per second: one release every partitions / rate seconds. */
  @Test
  void shouldReleaseOnceEveryFewSecondsWhenShareIsUnderOnePerSecond() {
    driver =
        new SchedulerDriver(
            SchedulerDriver.config(
                stateDir, SchedulerConfig.DEFAULT_MAX_RELEASES_PER_PUNCTUATION, 2, 5),
            new TaskShare(4));
    driver.pipeDue(50, 5, Platform.TELEGRAM);

    int released = 0;
    for (int tick = 0; tick < 100; tick++) { // ten seconds
      driver.advance(INTERVAL);
      released += driver.telegram.readValuesToList().size();
    }

    assertThat(released).as("2/s over 4 tasks: one every 2 s, the first at once").isEqualTo(5);
  }

  @Test
  void shouldReleaseOtherPlatformWhenOnePlatformHasBacklog() {
    start(SchedulerConfig.DEFAULT_MAX_RELEASES_PER_PUNCTUATION, 10);
    driver.pipeDue(100, 1, Platform.TELEGRAM);
    List<UUID> whatsapp = driver.pipeDue(5, 9, Platform.WHATSAPP);

    driver.advance(INTERVAL);
    driver.advance(INTERVAL);

    assertThat(SchedulerDriver.ids(driver.whatsapp.readValuesToList()))
        .containsExactlyElementsOf(whatsapp);
  }

  @Test
  void shouldScanNoEntryWhenOnlyFarFutureEntriesAreIndexed() {
    start(SchedulerConfig.DEFAULT_MAX_RELEASES_PER_PUNCTUATION, 30);
    for (int i = 0; i < 100_000; i++) {
      driver.pipe(
          MessageRow.pendingAt(START.plus(Duration.ofDays(30)).plusSeconds(i))
              .priority(1 + i % 9)
              .build());
    }
    long before = driver.scanned();

    for (int tick = 0; tick < 20; tick++) {
      driver.advance(INTERVAL);
    }

    assertThat(driver.scanned() - before).isZero();
    ScheduledMessage due = MessageRow.pendingAt(driver.now()).priority(9).build();
    driver.pipe(due);
    driver.advance(INTERVAL);
    assertThat(driver.scanned() - before).isEqualTo(1);
    assertThat(SchedulerDriver.ids(driver.telegram.readValuesToList())).containsExactly(due.id());
  }

  @Test
  void shouldNotVisitHandledEntriesAgainWhenScanResumes() {
    start(SchedulerConfig.DEFAULT_MAX_RELEASES_PER_PUNCTUATION, 100);
    driver.pipeDue(300, 5, Platform.TELEGRAM);
    for (int tick = 0; tick < 40; tick++) {
      driver.advance(INTERVAL);
    }
    assertThat(driver.telegram.readValuesToList()).hasSize(300);
    long before = driver.scanned();

    driver.advance(INTERVAL);
    driver.advance(INTERVAL);

    assertThat(driver.scanned() - before).isZero();
  }

  @Test
  void shouldReleaseEntryIndexedBeforeCursorWhenItIsDueEarlier() {
    start(SchedulerConfig.DEFAULT_MAX_RELEASES_PER_PUNCTUATION, 100);
    driver.pipeDue(3, 5, Platform.TELEGRAM);
    driver.advance(INTERVAL);
    assertThat(driver.telegram.readValuesToList()).hasSize(3);

    ScheduledMessage late =
        MessageRow.pendingAt(START.minusSeconds(3600)).priority(5).deliveryWindow(null).build();
    driver.pipe(late);
    driver.advance(INTERVAL);

    assertThat(SchedulerDriver.ids(driver.telegram.readValuesToList())).containsExactly(late.id());
  }

  @Test
  void shouldVisitAtMostCapEntriesPerPlatformWhenManyAreDue() {
    start(50, 10_000);
    driver.pipeDue(500, 3, Platform.TELEGRAM);
    driver.pipeDue(500, 3, Platform.WHATSAPP);
    long before = driver.scanned();

    driver.advance(INTERVAL);

    assertThat(driver.scanned() - before).isEqualTo(100);
    assertThat(driver.telegram.readValuesToList()).hasSize(50);
    assertThat(driver.whatsapp.readValuesToList()).hasSize(50);
  }

  private void start(int maxWork, int rate) {
    driver =
        new SchedulerDriver(
            SchedulerDriver.config(stateDir, maxWork, rate, SchedulerConfig.DEFAULT_MAX_ATTEMPTS));
  }
}

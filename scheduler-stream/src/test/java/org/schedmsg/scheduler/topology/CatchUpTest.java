package org.schedmsg.scheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.schedmsg.scheduler.topology.SchedulerDriver.INTERVAL;
import static org.schedmsg.scheduler.topology.SchedulerDriver.START;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.scheduler.MessageRow;
import org.schedmsg.scheduler.processor.CatchUpGate;

/**
 * Priority after a CDC gap (scheduler-stream README, "Catching up"): rows written while the
 * ingestor (or the scheduler) was down reach the scheduler after their due time, spread over
 * several polls; they are released most urgent first once the input has caught up, not in the order
 * they arrived.
 */
class CatchUpTest {
  /** When the rows were written: 30 s before the test's start, during the outage. */
  private static final Instant WRITTEN = START.minusSeconds(30);

  @TempDir Path stateDir;

  private SchedulerDriver driver;

  @AfterEach
  void closeDriver() {
    if (driver != null) {
      driver.close();
    }
  }

  @Test
  void shouldReleaseOverdueRowsMostUrgentFirstWhenTheyArriveOverSeveralPollsAfterCdcGap() {
    driver = SchedulerDriver.withDefaults(stateDir);
    List<UUID> bulk = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      bulk.add(pipeWrittenDuringOutage(9));
    }
    driver.advance(INTERVAL);
    UUID urgent = pipeWrittenDuringOutage(1);
    driver.advance(INTERVAL);
    UUID middle = pipeWrittenDuringOutage(5);

    driver.advance(CatchUpGate.QUIET.minus(INTERVAL));
    assertThat(driver.telegram.readValuesToList())
        .as("nothing is released while changes committed long ago keep arriving")
        .isEmpty();
    driver.advance(INTERVAL.multipliedBy(2));

    List<UUID> released = SchedulerDriver.ids(driver.telegram.readValuesToList());
    assertThat(released).hasSize(7);
    assertThat(released.subList(0, 2)).containsExactly(urgent, middle);
    assertThat(released.subList(2, 7)).containsExactlyInAnyOrderElementsOf(bulk);
  }

  /**
   * A snapshot (the first start on a table, or a re-snapshot after a lost slot) reads every row
   * now, so its commit times say nothing; it is a catch-up by definition.
   */
  @Test
  void shouldReleaseMostUrgentFirstWhenDueRowsArriveAsSnapshotReadsOverSeveralPolls() {
    driver = SchedulerDriver.withDefaults(stateDir);
    ScheduledMessage bulk = MessageRow.pendingAt(WRITTEN).priority(9).build();
    ScheduledMessage urgent = MessageRow.pendingAt(WRITTEN).priority(1).build();
    driver.pipeSnapshotRead(bulk);
    driver.advance(INTERVAL);
    driver.pipeSnapshotRead(urgent);

    driver.advance(CatchUpGate.QUIET.plus(INTERVAL));

    assertThat(SchedulerDriver.ids(driver.telegram.readValuesToList()))
        .containsExactly(urgent.id(), bulk.id());
  }

  @Test
  void shouldReleaseInNextPunctuationWhenChangeArrivesWithinTheCatchUpLag() {
    driver = SchedulerDriver.withDefaults(stateDir);
    ScheduledMessage row = MessageRow.pendingAt(START.minusSeconds(1)).priority(9).build();
    driver.pipeCommitted(row, START.minusSeconds(1));

    driver.advance(INTERVAL);

    assertThat(SchedulerDriver.ids(driver.telegram.readValuesToList())).containsExactly(row.id());
  }

  @Test
  void shouldStopHoldingAfterMaxHoldWhenChangesCommittedLongAgoNeverStop() {
    driver = SchedulerDriver.withDefaults(stateDir);
    List<UUID> releasedAt = new ArrayList<>();
    Duration firstRelease = null;
    Duration elapsed = Duration.ZERO;
    while (elapsed.compareTo(CatchUpGate.MAX_HOLD.plusSeconds(5)) < 0) {
      pipeWrittenDuringOutage(5);
      driver.advance(INTERVAL);
      elapsed = elapsed.plus(INTERVAL);
      List<UUID> released = SchedulerDriver.ids(driver.telegram.readValuesToList());
      if (!released.isEmpty() && firstRelease == null) {
        firstRelease = elapsed;
      }
      if (firstRelease != null) {
        assertThat(released)
            .as("after the hold gave up, every punctuation releases what is due")
            .isNotEmpty();
      }
      releasedAt.addAll(released);
    }
    assertThat(firstRelease).isNotNull();
    assertThat(firstRelease).isBetween(CatchUpGate.MAX_HOLD, CatchUpGate.MAX_HOLD.plus(INTERVAL));
  }

  @Test
  void shouldNotHoldWhenCatchUpLagIsZero() {
    driver = new SchedulerDriver(SchedulerDriver.defaults(stateDir).withCatchUpLag(Duration.ZERO));
    UUID bulk = pipeWrittenDuringOutage(9);

    driver.advance(INTERVAL);

    assertThat(SchedulerDriver.ids(driver.telegram.readValuesToList())).containsExactly(bulk);
  }

  private UUID pipeWrittenDuringOutage(int priority) {
    ScheduledMessage row = MessageRow.pendingAt(WRITTEN.plusSeconds(5)).priority(priority).build();
    driver.pipeCommitted(row, WRITTEN);
    return row.id();
  }
}

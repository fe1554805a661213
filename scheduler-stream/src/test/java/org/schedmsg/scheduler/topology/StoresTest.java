package org.schedmsg.scheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.schedmsg.scheduler.topology.SchedulerDriver.INTERVAL;
import static org.schedmsg.scheduler.topology.SchedulerDriver.LEASE;
import static org.schedmsg.scheduler.topology.SchedulerDriver.START;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.serde.JsonSerde;
import org.schedmsg.scheduler.MessageRow;
import org.schedmsg.scheduler.metrics.SchedulerMetrics;
import org.schedmsg.scheduler.store.DueIndexKey;
import org.schedmsg.scheduler.store.PendingMessage;
import org.schedmsg.scheduler.store.SchedulerStores;

/**
 * What the stores hold and write: the {@code messages} store is the only one with a changelog (one
 * record per change of a message), and the in-memory {@code due-index} is rebuilt from it when a
 * task starts, including from values an older build wrote as JSON.
 */
class StoresTest {
  @TempDir Path dir;

  private SchedulerDriver driver;
  private SchedulerDriver restarted;

  @AfterEach
  void closeDrivers() {
    for (SchedulerDriver open : new SchedulerDriver[] {driver, restarted}) {
      if (open != null) {
        open.close();
      }
    }
  }

  @Test
  void shouldRebuildDueIndexFromMessagesOnRestart() throws IOException {
    driver = SchedulerDriver.withDefaults(dir.resolve("live"));
    ScheduledMessage released = MessageRow.pendingAt(START).build();
    ScheduledMessage dueSoon = MessageRow.pendingAt(START.plusSeconds(5)).priority(3).build();
    ScheduledMessage dueLater =
        MessageRow.pendingAt(START.plus(Duration.ofHours(1)))
            .platform(Platform.WHATSAPP)
            .recipient("+4915112345678")
            .build();
    driver.pipe(released);
    driver.pipe(dueSoon);
    driver.pipe(dueLater);
    driver.advance(INTERVAL);
    assertThat(SchedulerDriver.ids(driver.telegram.readValuesToList()))
        .containsExactly(released.id());
    List<DueIndexKey> indexed = driver.dueIndex().keys();

    restarted = driver.restartedOnCopy(dir.resolve("restarted"));

    assertThat(restarted.dueIndex().keys()).hasSize(3).containsExactlyElementsOf(indexed);
    assertThat(pending(restarted, Platform.TELEGRAM, 3)).isEqualTo(1.0);
    restarted.advanceTo(START.plusSeconds(5));
    assertThat(SchedulerDriver.ids(restarted.telegram.readValuesToList()))
        .containsExactly(dueSoon.id());
    restarted.advanceTo(START.plus(INTERVAL).plus(LEASE));
    assertThat(SchedulerDriver.ids(restarted.telegram.readValuesToList()))
        .containsExactly(released.id());
    assertThat(restarted.whatsapp.isEmpty()).isTrue();
  }

  @Test
  void shouldReleaseMessageStoredAsJsonByOlderVersionWhenRestartedOnItsState() throws IOException {
    driver = SchedulerDriver.withDefaults(dir.resolve("live"));
    ScheduledMessage row = MessageRow.pendingAt(START.plusSeconds(2)).rowVersion(4).build();
    byte[] json =
        new JsonSerde<>(PendingMessage.class)
            .serialize("messages", PendingMessage.scheduled(row, row.scheduledTime()));
    driver.messages().put(row.id().toString(), json);
    driver.advance(INTERVAL); // a commit: the state on disk is then a committed one

    restarted = driver.restartedOnCopy(dir.resolve("restarted"));
    restarted.advanceTo(START.plusSeconds(2));

    List<TestRecord<String, DeliveryRequest>> out = restarted.telegram.readRecordsToList();
    assertThat(out)
        .singleElement()
        .extracting(TestRecord::value)
        .isEqualTo(DeliveryRequest.of(row, START.plusSeconds(2)));
    PendingMessage stored = restarted.message(row.id().toString());
    assertThat(stored.releasedVersion()).isEqualTo(4L);
    assertThat(restarted.messages().get(row.id().toString())[0]).isNotEqualTo((byte) '{');
  }

  @Test
  void shouldWriteOneMessagesChangelogRecordPerChangeAndNoneForTheIndex() {
    driver = SchedulerDriver.withDefaults(dir);
    MessageRow row = MessageRow.pendingAt(START);

    driver.pipe(row.build());
    List<TestRecord<byte[], byte[]>> inserted = driver.changelog(SchedulerStores.MESSAGES);
    driver.advance(INTERVAL);
    List<TestRecord<byte[], byte[]>> released = driver.changelog(SchedulerStores.MESSAGES);
    driver.pipe(row.status(MessageStatus.SENT).build());
    List<TestRecord<byte[], byte[]>> sent = driver.changelog(SchedulerStores.MESSAGES);

    assertThat(driver.telegram.readValuesToList()).hasSize(1);
    assertThat(inserted).singleElement().extracting(TestRecord::value).isNotNull();
    assertThat(released).singleElement().extracting(TestRecord::value).isNotNull();
    assertThat(sent).singleElement().extracting(TestRecord::value).isNull();
    assertThat(driver.changelog(SchedulerStores.DUE_INDEX)).isEmpty();
    assertThat(driver.driver.producedTopicNames()).noneMatch(t -> t.contains("due-index"));
  }

  @Test
  void shouldWriteNothingWhenEndingMessageNotHeld() {
    driver = SchedulerDriver.withDefaults(dir);
    ScheduledMessage neverScheduled =
        MessageRow.pendingAt(START).status(MessageStatus.FAILED).build();

    driver.pipe(neverScheduled);
    driver.delete(neverScheduled);

    assertThat(driver.changelog(SchedulerStores.MESSAGES)).isEmpty();
    assertThat(driver.dueIndex().keys()).isEmpty();
  }

  @Test
  void shouldKeepStoredEntryWhenOlderVersionIsReadAgain() {
    driver = SchedulerDriver.withDefaults(dir);
    ScheduledMessage older = MessageRow.pendingAt(START.plusSeconds(60)).rowVersion(2).build();
    ScheduledMessage newer = MessageRow.from(older).scheduledAt(START.plusSeconds(5)).build();
    driver.pipe(older);
    driver.pipe(newer);
    driver.changelog(SchedulerStores.MESSAGES);

    driver.pipe(older);

    assertThat(driver.changelog(SchedulerStores.MESSAGES)).isEmpty();
    assertThat(driver.message(older.id().toString()).message()).isEqualTo(newer);
    assertThat(driver.dueIndex().keys())
        .containsExactly(DueIndexKey.of(Platform.TELEGRAM, 5, START.plusSeconds(5), older.id()));
  }

  private static double pending(SchedulerDriver driver, Platform platform, int priority) {
    return driver
        .registry
        .get(SchedulerMetrics.PENDING)
        .tag(SchedulerMetrics.TAG_PLATFORM, platform.id())
        .tag(SchedulerMetrics.TAG_PRIORITY, Integer.toString(priority))
        .gauge()
        .value();
  }
}

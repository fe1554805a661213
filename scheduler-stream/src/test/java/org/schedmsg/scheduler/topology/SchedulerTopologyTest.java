package org.schedmsg.scheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.schedmsg.contracts.DeliveryHeaders;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.serde.Json;
import org.schedmsg.scheduler.MessageRow;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.scheduler.processor.DueTimePolicy;
import org.schedmsg.scheduler.store.DueIndex;
import org.schedmsg.scheduler.store.PendingMessage;

class SchedulerTopologyTest {
  static final Instant START = SchedulerDriver.START;
  static final Duration INTERVAL = SchedulerDriver.INTERVAL;
  static final Duration LEASE = SchedulerDriver.LEASE;

  @TempDir Path stateDir;

  private SchedulerDriver driver;
  private TestInputTopic<String, ScheduledMessageChange> cdc;
  private TestOutputTopic<String, DeliveryRequest> telegram;
  private TestOutputTopic<String, DeliveryRequest> whatsapp;

  @BeforeEach
  void startDriver() {
    start(SchedulerConfig.DEFAULT_MAX_RELEASES_PER_PUNCTUATION);
  }

  @AfterEach
  void closeDriver() {
    if (driver != null) {
      driver.close();
    }
  }

  @Test
  void shouldReleaseOnceToPlatformTopicWhenMessageIsDue() {
    ScheduledMessage row =
        MessageRow.pendingAt(START).platform(Platform.WHATSAPP).priority(3).build();
    pipe(row);

    advance(INTERVAL);
    advance(LEASE.minus(INTERVAL));

    List<TestRecord<String, DeliveryRequest>> out = whatsapp.readRecordsToList();
    assertThat(telegram.isEmpty()).isTrue();
    assertThat(out).hasSize(1);
    TestRecord<String, DeliveryRequest> record = out.get(0);
    Instant releasedAt = START.plus(INTERVAL);
    assertThat(record.key()).isEqualTo(row.recipientId());
    assertThat(record.getRecordTime()).isEqualTo(releasedAt);
    assertThat(record.value()).isEqualTo(DeliveryRequest.of(row, releasedAt));
    assertThat(header(record, DeliveryHeaders.MESSAGE_ID)).isEqualTo(row.id().toString());
    assertThat(header(record, DeliveryHeaders.PLATFORM)).isEqualTo("whatsapp");
    assertThat(header(record, DeliveryHeaders.PRIORITY)).isEqualTo("3");
    assertThat(header(record, DeliveryHeaders.ATTEMPTS)).isEqualTo("0");
    assertThat(header(record, DeliveryHeaders.SCHEMA_VERSION)).isEqualTo("1");
    assertThat(header(record, DeliveryHeaders.SCHEDULED_TIME))
        .isEqualTo(row.scheduledTime().toString());
    assertThat(header(record, DeliveryHeaders.RELEASED_AT)).isEqualTo(releasedAt.toString());
    assertThat(header(record, DeliveryHeaders.TRACEPARENT))
        .startsWith("00-" + row.id().toString().replace("-", "") + "-")
        .endsWith("-01");
    PendingMessage stored = stored(row.id().toString());
    assertThat(stored.releasedVersion()).isEqualTo(row.rowVersion());
    assertThat(stored.releasedAt()).isEqualTo(releasedAt);
    assertThat(stored.dueAt()).isEqualTo(releasedAt.plus(LEASE));
  }

  @Test
  void shouldReleaseOnlyWhenDueWhenDueInFiveSeconds() {
    pipe(MessageRow.pendingAt(START.plusSeconds(5)).build());

    advance(Duration.ofMillis(4900));
    assertThat(telegram.isEmpty()).isTrue();

    advance(Duration.ofMillis(200));
    assertThat(telegram.readValuesToList())
        .singleElement()
        .extracting(DeliveryRequest::releasedAt)
        .isEqualTo(START.plusMillis(5100));
  }

  @Test
  void shouldNotReleaseEarlyWhenDueWithinAMillisecond() {
    pipe(MessageRow.pendingAt(START.plus(INTERVAL).plusNanos(500_000)).build());

    advance(INTERVAL);
    assertThat(telegram.isEmpty()).isTrue();

    advance(INTERVAL);
    assertThat(telegram.readValuesToList()).hasSize(1);
  }

  @Test
  void shouldReleasePriorityOneFirstWhenDueAtSameInstant() {
    ScheduledMessage low = MessageRow.pendingAt(START).priority(9).build();
    ScheduledMessage lowAndEarlier =
        MessageRow.pendingAt(START.minusSeconds(1)).priority(9).build();
    ScheduledMessage high = MessageRow.pendingAt(START).priority(1).build();
    pipe(low);
    pipe(lowAndEarlier);
    pipe(high);

    advance(INTERVAL);

    assertThat(telegram.readValuesToList())
        .extracting(DeliveryRequest::messageId)
        .containsExactly(high.id(), lowAndEarlier.id(), low.id());
  }

  @ParameterizedTest
  @ValueSource(strings = {"cancelled", "sent", "failed", "deleted"})
  void shouldNeverReleaseWhenEndedBeforeDue(String ending) {
    MessageRow row = MessageRow.pendingAt(START.plusSeconds(1));
    pipe(row.build());

    if (ending.equals("deleted")) {
      cdc.pipeInput(row.build().id().toString(), null);
    } else {
      pipe(row.status(MessageStatus.fromId(ending)).build());
    }
    advance(Duration.ofSeconds(2));
    advance(LEASE);

    assertThat(telegram.isEmpty()).isTrue();
    assertThat(entries(messages())).isEmpty();
    assertThat(dueIndex().keys()).isEmpty();
  }

  @Test
  void shouldReleaseAtNewTimeOnlyWhenRescheduledLater() {
    MessageRow row = MessageRow.pendingAt(START.plusSeconds(5));
    pipe(row.build());
    pipe(row.scheduledAt(START.plusSeconds(20)).build());
    assertThat(dueIndex().keys()).hasSize(1);

    advanceTo(START.plusSeconds(10));
    assertThat(telegram.isEmpty()).isTrue();

    advanceTo(START.plusSeconds(20));
    assertThat(telegram.readValuesToList())
        .singleElement()
        .extracting(DeliveryRequest::scheduledTime)
        .isEqualTo(START.plusSeconds(20));
  }

  @Test
  void shouldNotReleaseAgainBeforeBackoffWhenSenderRecordsFailedAttempt() {
    ScheduledMessage row = MessageRow.pendingAt(START).build();
    pipe(row);
    advance(INTERVAL);
    assertThat(telegram.readValuesToList()).hasSize(1);

    // the claim changes no row; the outcome does: attempts + 1, last_attempt_time, new version
    Instant failedAt = START.plusMillis(150);
    ScheduledMessage failed = MessageRow.from(row).attempts(1, failedAt).build();
    pipe(failed);
    Instant retryDue = failedAt.plus(policy().backoff(failed.id(), 1));

    advanceTo(retryDue.minus(INTERVAL));
    assertThat(telegram.isEmpty()).isTrue();

    advanceTo(retryDue.plus(INTERVAL));
    assertThat(telegram.readValuesToList())
        .singleElement()
        .extracting(DeliveryRequest::attempts)
        .isEqualTo(1);
  }

  @Test
  void shouldReleaseRetryWhenLastAttemptPlusBackoffHasPassed() {
    Instant lastAttempt = START.minusSeconds(10);
    ScheduledMessage row =
        MessageRow.pendingAt(START.minusSeconds(90))
            .deliveryWindow(null)
            .attempts(2, lastAttempt)
            .build();
    pipe(row);
    Instant due = lastAttempt.plus(policy().backoff(row.id(), 2));
    assertThat(due).isAfter(START.plus(INTERVAL));

    advanceTo(due.minus(INTERVAL));
    assertThat(telegram.isEmpty()).isTrue();

    advanceTo(due.plus(INTERVAL));
    assertThat(telegram.readValuesToList())
        .singleElement()
        .extracting(DeliveryRequest::attempts)
        .isEqualTo(2);
  }

  @Test
  void shouldReleaseAgainAfterLeaseWhenReleaseMakesNoProgress() {
    ScheduledMessage row = MessageRow.pendingAt(START).build();
    pipe(row);
    advance(INTERVAL);
    Instant firstRelease = START.plus(INTERVAL);
    assertThat(telegram.readValuesToList()).hasSize(1);

    advanceTo(firstRelease.plus(LEASE).minus(INTERVAL));
    assertThat(telegram.isEmpty()).isTrue();

    advanceTo(firstRelease.plus(LEASE));
    assertThat(telegram.readValuesToList())
        .singleElement()
        .satisfies(r -> assertThat(r.attempts()).isZero())
        .extracting(DeliveryRequest::releasedAt)
        .isEqualTo(firstRelease.plus(LEASE));
  }

  @Test
  void shouldReleaseAtMostCapWhenMoreAreDue() {
    restart(3);
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ScheduledMessage row = MessageRow.pendingAt(START.minusSeconds(5 - i)).build();
      ids.add(row.id());
      pipe(row);
    }

    advance(INTERVAL);
    List<UUID> first = ids(telegram.readValuesToList());
    advance(INTERVAL);
    List<UUID> second = ids(telegram.readValuesToList());

    assertThat(first).containsExactlyElementsOf(ids.subList(0, 3));
    assertThat(second).containsExactlyElementsOf(ids.subList(3, 5));
  }

  @Test
  void shouldKeepLeaseWhenSameRowVersionIsReadAgainAfterRelease() {
    ScheduledMessage row = MessageRow.pendingAt(START).rowVersion(3).build();
    pipe(row);
    advance(INTERVAL);
    assertThat(telegram.readValuesToList()).hasSize(1);

    pipe(row); // a snapshot or replay reads the same version again
    advance(INTERVAL);
    advance(INTERVAL);
    assertThat(telegram.isEmpty()).isTrue();

    advanceTo(START.plus(INTERVAL).plus(LEASE));
    assertThat(telegram.readValuesToList())
        .singleElement()
        .extracting(DeliveryRequest::rowVersion)
        .isEqualTo(3L);
  }

  @Test
  void shouldReleaseEditedRowPromptlyWithNewVersionWhenEditedAfterRelease() {
    ScheduledMessage row = MessageRow.pendingAt(START).build();
    pipe(row);
    advance(INTERVAL);
    assertThat(telegram.readValuesToList()).hasSize(1);

    ScheduledMessage edited =
        MessageRow.from(row).recipient("987654321").content("Take 5mg instead").build();
    pipe(edited);
    advance(INTERVAL);

    assertThat(telegram.readRecordsToList())
        .singleElement()
        .satisfies(r -> assertThat(r.key()).isEqualTo("987654321"))
        .extracting(TestRecord::value)
        .isEqualTo(DeliveryRequest.of(edited, START.plus(INTERVAL).plus(INTERVAL)));
    assertThat(stored(row.id().toString()).releasedVersion()).isEqualTo(2L);
  }

  @Test
  void shouldCarryRowsCurrentVersionWhenReleasedAfterEachChange() {
    TestOutputTopic<String, byte[]> raw =
        driver.driver.createOutputTopic(
            driver.config.topics().delivery(Platform.TELEGRAM).name(),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    ScheduledMessage row = MessageRow.pendingAt(START).rowVersion(5).build();
    pipe(row);
    advance(INTERVAL);
    ScheduledMessage edited = MessageRow.from(row).content("Take 5mg instead").build();
    pipe(edited);
    advance(INTERVAL);
    Instant failedAt = driver.now();
    ScheduledMessage failed = MessageRow.from(edited).attempts(1, failedAt).build();
    pipe(failed);
    advanceTo(policy().dueAt(failed).plus(INTERVAL));

    assertThat(raw.readValuesToList())
        .extracting(bytes -> Json.mapper().readTree(bytes).path("row_version").asLong(-1))
        .containsExactly(5L, 6L, 7L);
  }

  @Test
  void shouldNotReleaseBeforeNewScheduledTimeWhenMovedLaterAfterFailedAttempt() {
    ScheduledMessage row = MessageRow.pendingAt(START).build();
    pipe(row);
    advance(INTERVAL);
    assertThat(telegram.readValuesToList()).hasSize(1);
    Instant failedAt = START.plusMillis(150);
    ScheduledMessage failed = MessageRow.from(row).attempts(1, failedAt).build();
    pipe(failed);
    Instant movedTo = START.plus(Duration.ofHours(8));
    ScheduledMessage moved = MessageRow.from(failed).scheduledAt(movedTo).build();
    pipe(moved);

    Instant retryDue = failedAt.plus(policy().backoff(moved.id(), 1));
    advanceTo(retryDue.plus(INTERVAL));
    advanceTo(movedTo.minus(INTERVAL));
    assertThat(telegram.isEmpty()).isTrue();

    advanceTo(movedTo);
    assertThat(telegram.readValuesToList())
        .singleElement()
        .isEqualTo(DeliveryRequest.of(moved, movedTo));
  }

  @Test
  void shouldNotReleaseAgainWhenSenderWritesSent() {
    ScheduledMessage row = MessageRow.pendingAt(START).build();
    pipe(row);
    advance(INTERVAL);
    assertThat(telegram.readValuesToList()).hasSize(1);

    pipe(
        MessageRow.from(row).attempts(1, START.plusMillis(150)).status(MessageStatus.SENT).build());
    advanceTo(START.plus(Duration.ofHours(2)));
    advance(INTERVAL);

    assertThat(telegram.isEmpty()).isTrue();
    assertThat(entries(messages())).isEmpty();
    assertThat(dueIndex().keys()).isEmpty();
  }

  @Test
  void shouldReleaseAtNewTimeWhenRescheduledEarlier() {
    MessageRow row = MessageRow.pendingAt(START.plusSeconds(60));
    pipe(row.build());
    pipe(row.scheduledAt(START.plusSeconds(2)).build());

    advanceTo(START.plusSeconds(2));
    assertThat(telegram.readValuesToList())
        .singleElement()
        .extracting(DeliveryRequest::scheduledTime)
        .isEqualTo(START.plusSeconds(2));
    assertThat(dueIndex().keys()).hasSize(1);
    assertThat(stored(row.build().id().toString()).dueAt())
        .isEqualTo(START.plusSeconds(2).plus(LEASE));
  }

  @Test
  void shouldMoveEntryWhenPriorityChanges() {
    MessageRow row = MessageRow.pendingAt(START).priority(9);
    ScheduledMessage other = MessageRow.pendingAt(START.minusSeconds(1)).priority(5).build();
    pipe(row.build());
    pipe(other);
    ScheduledMessage urgent = row.priority(1).build();
    pipe(urgent);

    advance(INTERVAL);

    assertThat(ids(telegram.readValuesToList())).containsExactly(urgent.id(), other.id());
    assertThat(dueIndex().keys()).hasSize(2);
  }

  @Test
  void shouldNeverReleaseAgainWhenCancelledAfterRelease() {
    MessageRow row = MessageRow.pendingAt(START);
    pipe(row.build());
    advance(INTERVAL);
    assertThat(telegram.readValuesToList()).hasSize(1);

    pipe(row.status(MessageStatus.CANCELLED).build());
    advanceTo(START.plus(LEASE).plus(LEASE));

    assertThat(telegram.isEmpty()).isTrue();
    assertThat(dueIndex().keys()).isEmpty();
  }

  private void start(int maxReleases) {
    driver =
        new SchedulerDriver(
            SchedulerDriver.config(
                stateDir.resolve("run-" + maxReleases),
                maxReleases,
                SchedulerDriver.UNLIMITED_RATE,
                SchedulerConfig.DEFAULT_MAX_ATTEMPTS));
    cdc = driver.cdc;
    telegram = driver.telegram;
    whatsapp = driver.whatsapp;
  }

  private void restart(int maxReleases) {
    driver.close();
    start(maxReleases);
  }

  private DueTimePolicy policy() {
    return DueTimePolicy.from(driver.config);
  }

  private void pipe(ScheduledMessage row) {
    driver.pipe(row);
  }

  private void advance(Duration duration) {
    driver.advance(duration);
  }

  private void advanceTo(Instant target) {
    driver.advanceTo(target);
  }

  private KeyValueStore<String, byte[]> messages() {
    return driver.messages();
  }

  private PendingMessage stored(String id) {
    return driver.message(id);
  }

  private DueIndex dueIndex() {
    return driver.dueIndex();
  }

  private static <K, V> List<KeyValue<K, V>> entries(KeyValueStore<K, V> store) {
    return SchedulerDriver.entries(store);
  }

  private static String header(TestRecord<String, DeliveryRequest> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static List<UUID> ids(List<DeliveryRequest> requests) {
    return requests.stream().map(DeliveryRequest::messageId).toList();
  }
}

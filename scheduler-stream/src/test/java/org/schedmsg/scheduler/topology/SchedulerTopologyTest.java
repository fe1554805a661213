package org.schedmsg.scheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
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
import org.schedmsg.contracts.Topic;
import org.schedmsg.contracts.Topics;
import org.schedmsg.scheduler.MessageRow;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.scheduler.processor.DueTimePolicy;
import org.schedmsg.scheduler.store.PendingMessage;

class SchedulerTopologyTest {
  static final Instant START = Instant.parse("2026-11-28T08:00:00Z");
  static final Duration INTERVAL = Duration.ofMillis(100);
  static final Duration LEASE = Duration.ofSeconds(30);

  @TempDir Path stateDir;

  private SchedulerConfig config;
  private TopologyTestDriver driver;
  private TestInputTopic<String, ScheduledMessageChange> cdc;
  private TestOutputTopic<String, DeliveryRequest> telegram;
  private TestOutputTopic<String, DeliveryRequest> whatsapp;
  private Instant now;

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
    PendingMessage stored = messages().get(row.id().toString());
    assertThat(stored.releasedAttempts()).isZero();
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
    assertThat(entries(dueIndex())).isEmpty();
  }

  @Test
  void shouldReleaseAtNewTimeOnlyWhenRescheduledLater() {
    MessageRow row = MessageRow.pendingAt(START.plusSeconds(5));
    pipe(row.build());
    pipe(row.scheduledAt(START.plusSeconds(20)).build());
    assertThat(entries(dueIndex())).hasSize(1);

    advanceTo(START.plusSeconds(10));
    assertThat(telegram.isEmpty()).isTrue();

    advanceTo(START.plusSeconds(20));
    assertThat(telegram.readValuesToList())
        .singleElement()
        .extracting(DeliveryRequest::scheduledTime)
        .isEqualTo(START.plusSeconds(20));
  }

  @Test
  void shouldNotReleaseAgainBeforeBackoffWhenSenderClaims() {
    MessageRow row = MessageRow.pendingAt(START);
    pipe(row.build());
    advance(INTERVAL);
    assertThat(telegram.readValuesToList()).hasSize(1);

    Instant claimedAt = START.plusMillis(150);
    ScheduledMessage claimed = row.attempts(1, claimedAt).build();
    pipe(claimed);
    Instant retryDue = claimedAt.plus(policy().backoff(claimed.id(), 1));

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
        MessageRow.pendingAt(START.minusSeconds(90)).attempts(2, lastAttempt).build();
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
  void shouldKeepLeaseWhenUnrelatedColumnChangesAfterRelease() {
    MessageRow row = MessageRow.pendingAt(START);
    pipe(row.build());
    advance(INTERVAL);
    assertThat(telegram.readValuesToList()).hasSize(1);

    pipe(row.updatedAt(START.plusMillis(120)).build());
    advance(INTERVAL);
    advance(INTERVAL);
    assertThat(telegram.isEmpty()).isTrue();

    advanceTo(START.plus(INTERVAL).plus(LEASE));
    assertThat(telegram.readValuesToList()).hasSize(1);
  }

  @Test
  void shouldReleaseWhenDueEvenIfDeliveryWindowExpired() {
    ScheduledMessage row = MessageRow.pendingAt(START.minusSeconds(7200)).build();
    pipe(row);

    advance(INTERVAL);

    assertThat(telegram.readValuesToList())
        .singleElement()
        .satisfies(r -> assertThat(r.isExpiredAt(START)).isTrue());
  }

  @Test
  void shouldSkipRecordWhenValueIsNotValidJson() {
    TestInputTopic<String, byte[]> raw =
        driver.createInputTopic(
            config.topics().cdc().name(),
            config.topics().cdc().keySerde().serializer(),
            new ByteArraySerializer());
    raw.pipeInput(UUID.randomUUID().toString(), "{not json".getBytes(StandardCharsets.UTF_8));
    pipe(MessageRow.pendingAt(START).build());

    advance(INTERVAL);

    assertThat(telegram.readValuesToList()).hasSize(1);
  }

  private void start(int maxReleases) {
    config =
        new SchedulerConfig(
            "localhost:9092",
            "test",
            "test-scheduler",
            stateDir.resolve("run-" + maxReleases),
            INTERVAL,
            INTERVAL,
            maxReleases,
            LEASE,
            SchedulerConfig.DEFAULT_RETRY_BACKOFF_BASE,
            SchedulerConfig.DEFAULT_RETRY_BACKOFF_MAX,
            SchedulerConfig.DEFAULT_REPLICATION_FACTOR);
    driver =
        new TopologyTestDriver(
            SchedulerTopology.build(config), config.toStreamsProperties(), START);
    now = START;
    Topics topics = config.topics();
    Topic<String, ScheduledMessageChange> cdcTopic = topics.cdc();
    cdc =
        driver.createInputTopic(
            cdcTopic.name(), cdcTopic.keySerde().serializer(), cdcTopic.valueSerde().serializer());
    telegram = output(topics.telegram());
    whatsapp = output(topics.whatsapp());
  }

  private void restart(int maxReleases) {
    driver.close();
    start(maxReleases);
  }

  private TestOutputTopic<String, DeliveryRequest> output(Topic<String, DeliveryRequest> topic) {
    return driver.createOutputTopic(
        topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }

  private DueTimePolicy policy() {
    return DueTimePolicy.from(config);
  }

  private void pipe(ScheduledMessage row) {
    cdc.pipeInput(
        row.id().toString(),
        new ScheduledMessageChange(ScheduledMessageChange.SCHEMA_VERSION, "u", 1L, now, row));
  }

  private void advance(Duration duration) {
    driver.advanceWallClockTime(duration);
    now = now.plus(duration);
  }

  private void advanceTo(Instant target) {
    advance(Duration.between(now, target));
  }

  private KeyValueStore<String, PendingMessage> messages() {
    return driver.getKeyValueStore(SchedulerTopology.MESSAGES_STORE);
  }

  private KeyValueStore<Bytes, String> dueIndex() {
    return driver.getKeyValueStore(SchedulerTopology.DUE_INDEX_STORE);
  }

  private static <K, V> List<KeyValue<K, V>> entries(KeyValueStore<K, V> store) {
    List<KeyValue<K, V>> entries = new ArrayList<>();
    try (KeyValueIterator<K, V> it = store.all()) {
      it.forEachRemaining(entries::add);
    }
    return entries;
  }

  private static String header(TestRecord<String, DeliveryRequest> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static List<UUID> ids(List<DeliveryRequest> requests) {
    return requests.stream().map(DeliveryRequest::messageId).toList();
  }
}

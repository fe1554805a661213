package org.schedmsg.scheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.schedmsg.scheduler.topology.SchedulerDriver.INTERVAL;
import static org.schedmsg.scheduler.topology.SchedulerDriver.START;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.scheduler.MessageRow;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.scheduler.metrics.SchedulerMetrics;
import org.schedmsg.scheduler.processor.DueTimePolicy;
import org.schedmsg.scheduler.processor.RejectionReasons;

/** Rows the scheduler never releases go to the rejections topic, keyed by message id. */
class RejectionTest {
  @TempDir Path stateDir;

  private SchedulerDriver driver;

  @AfterEach
  void closeDriver() {
    if (driver != null) {
      driver.close();
    }
  }

  @Test
  void shouldRejectAndNeverReleaseWhenDeliveryWindowExpired() {
    start(SchedulerDriver.UNLIMITED_RATE);
    ScheduledMessage row =
        MessageRow.pendingAt(START.minusSeconds(7200)).deliveryWindow(60).rowVersion(9).build();
    driver.pipe(row);

    driver.advance(INTERVAL);
    driver.advanceTo(START.plus(SchedulerDriver.LEASE).plusSeconds(1));

    assertThat(driver.telegram.isEmpty()).isTrue();
    TestRecord<String, RejectedMessage> record = driver.rejections.readRecord();
    assertThat(record.key()).isEqualTo(row.id().toString());
    assertThat(record.value())
        .isEqualTo(RejectedMessage.of(row, "delivery_window_expired", START.plus(INTERVAL)));
    assertThat(record.value().rowVersion()).isEqualTo(9);
    assertThat(driver.rejections.isEmpty()).isTrue();
    assertThat(SchedulerDriver.entries(driver.messages())).isEmpty();
    assertThat(driver.dueIndex().keys()).isEmpty();
    assertThat(rejectedCount("delivery_window_expired")).isEqualTo(1.0);
  }

  @Test
  void shouldReleaseNotRejectWhenDeliveryWindowIsNullAndRetriedLongAfterScheduledTime() {
    start(SchedulerDriver.UNLIMITED_RATE);
    Instant lastAttempt = START.minusSeconds(10);
    ScheduledMessage row =
        MessageRow.pendingAt(START.minus(Duration.ofDays(3)))
            .deliveryWindow(null)
            .attempts(2, lastAttempt)
            .rowVersion(3)
            .build();
    driver.pipe(row);
    Instant due = DueTimePolicy.from(driver.config).dueAt(row);

    driver.advanceTo(due.plus(INTERVAL));

    assertThat(row.deliveryDeadline()).isNull();
    assertThat(driver.rejections.isEmpty()).isTrue();
    assertThat(driver.telegram.readValuesToList())
        .singleElement()
        .isEqualTo(DeliveryRequest.of(row, due.plus(INTERVAL)))
        .extracting(DeliveryRequest::deliveryDeadline)
        .isNull();
  }

  @Test
  void shouldRejectWithNewVersionWhenRowIsEditedUndeliverableAfterRelease() {
    start(SchedulerDriver.UNLIMITED_RATE);
    ScheduledMessage row = MessageRow.pendingAt(START).build();
    driver.pipe(row);
    driver.advance(INTERVAL);
    assertThat(driver.telegram.readValuesToList()).hasSize(1);

    ScheduledMessage edited = MessageRow.from(row).recipient("not-a-chat").build();
    driver.pipe(edited);
    driver.advance(INTERVAL);

    assertThat(driver.rejections.readValuesToList())
        .singleElement()
        .isEqualTo(
            RejectedMessage.of(
                edited, RejectionReasons.INVALID_RECIPIENT, START.plus(INTERVAL).plus(INTERVAL)))
        .extracting(RejectedMessage::rowVersion)
        .isEqualTo(2L);
  }

  @Test
  void shouldRejectAtRetryDueTimeNotEarlierWhenMaxAttemptsReached() {
    start(SchedulerDriver.UNLIMITED_RATE);
    Instant lastAttempt = START.minusSeconds(1);
    ScheduledMessage row =
        MessageRow.pendingAt(START.minusSeconds(60))
            .deliveryWindow(null)
            .attempts(SchedulerConfig.DEFAULT_MAX_ATTEMPTS, lastAttempt)
            .errorMessage("platform_unavailable")
            .build();
    driver.pipe(row);
    Instant due = lastAttempt.plus(DueTimePolicy.from(driver.config).backoff(row.id(), 5));

    driver.advanceTo(due.minus(INTERVAL));
    assertThat(driver.rejections.isEmpty()).isTrue();
    driver.advanceTo(due.plus(INTERVAL));

    assertThat(driver.rejections.readValuesToList())
        .singleElement()
        .extracting(RejectedMessage::reason)
        .isEqualTo("max_attempts_exceeded:platform_unavailable");
    assertThat(driver.telegram.isEmpty()).isTrue();
  }

  static Stream<Arguments> undeliverableRows() {
    JsonNodeFactory json = JsonNodeFactory.instance;
    return Stream.of(
        undeliverable(RejectionReasons.INVALID_PRIORITY, r -> r.priority(0)),
        undeliverable(RejectionReasons.INVALID_PRIORITY, r -> r.priority(12)),
        undeliverable(RejectionReasons.INVALID_RECIPIENT, r -> r.recipient("not-a-chat")),
        undeliverable(
            RejectionReasons.INVALID_RECIPIENT,
            r -> r.platform(Platform.WHATSAPP).recipient("@channel")),
        undeliverable(RejectionReasons.CONTENT_TOO_LONG, r -> r.content("x".repeat(4097))),
        undeliverable(RejectionReasons.INVALID_PARAMETERS, r -> r.parameters(json.textNode("x"))));
  }

  private static Arguments undeliverable(String reason, UnaryOperator<MessageRow> change) {
    return Arguments.of(reason, change);
  }

  @ParameterizedTest
  @MethodSource("undeliverableRows")
  void shouldRejectWithReasonWhenRowIsUndeliverable(
      String reason, UnaryOperator<MessageRow> change) {
    start(SchedulerDriver.UNLIMITED_RATE);
    ScheduledMessage row = change.apply(MessageRow.pendingAt(START)).build();
    driver.pipe(row);

    driver.advance(INTERVAL);

    assertThat(driver.rejections.readValuesToList())
        .singleElement()
        .satisfies(r -> assertThat(r.messageId()).isEqualTo(row.id()))
        .extracting(RejectedMessage::reason)
        .isEqualTo(reason);
    assertThat(driver.telegram.isEmpty()).isTrue();
    assertThat(driver.whatsapp.isEmpty()).isTrue();
  }

  @Test
  void shouldNotSpendReleaseBudgetWhenRejecting() {
    start(1);
    for (int i = 0; i < 5; i++) {
      driver.pipe(MessageRow.pendingAt(START.minusMillis(10 - i)).recipient("bad").build());
    }
    ScheduledMessage good = MessageRow.pendingAt(START).build();
    driver.pipe(good);

    driver.advance(INTERVAL);

    assertThat(driver.rejections.readValuesToList()).hasSize(5);
    assertThat(driver.telegram.readValuesToList())
        .singleElement()
        .extracting(r -> r.messageId())
        .isEqualTo(good.id());
  }

  @Test
  void shouldScheduleAgainWhenRowStaysPendingAfterRejection() {
    start(SchedulerDriver.UNLIMITED_RATE);
    MessageRow row = MessageRow.pendingAt(START).recipient("bad");
    driver.pipe(row.build());
    driver.advance(INTERVAL);
    assertThat(driver.rejections.readValuesToList()).hasSize(1);

    driver.pipe(row.recipient("123456789").scheduledAt(driver.now().plusSeconds(1)).build());
    driver.advanceTo(driver.now().plusSeconds(1));

    assertThat(driver.telegram.readValuesToList()).hasSize(1);
  }

  @Test
  void shouldIgnoreSenderFailedUpdateWhenRowWasRejected() {
    start(SchedulerDriver.UNLIMITED_RATE);
    MessageRow row = MessageRow.pendingAt(START).recipient("bad");
    driver.pipe(row.build());
    driver.advance(INTERVAL);

    driver.pipe(row.status(MessageStatus.FAILED).errorMessage("invalid_recipient").build());
    driver.advance(INTERVAL);

    assertThat(driver.rejections.readValuesToList()).hasSize(1);
    assertThat(SchedulerDriver.entries(driver.messages())).isEmpty();
  }

  private void start(int rate) {
    driver =
        new SchedulerDriver(
            SchedulerDriver.config(
                stateDir,
                SchedulerConfig.DEFAULT_MAX_RELEASES_PER_PUNCTUATION,
                rate,
                SchedulerConfig.DEFAULT_MAX_ATTEMPTS));
  }

  private double rejectedCount(String reason) {
    return driver
        .registry
        .get(SchedulerMetrics.REJECTED)
        .tag(SchedulerMetrics.TAG_REASON, reason)
        .counters()
        .stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count)
        .sum();
  }
}

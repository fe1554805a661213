package org.schedmsg.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.scheduler.MessageRow;

class PendingMessageTest {
  static final Instant T = Instant.parse("2026-11-28T08:00:00.123456Z");

  @Test
  void shouldRoundTripWhenSerializedWithStoreSerde() {
    ScheduledMessage row = MessageRow.pendingAt(T).build();
    PendingMessage pending = PendingMessage.scheduled(row, T).releasedAt(T, T.plusSeconds(30));

    byte[] bytes = SchedulerStores.PENDING_MESSAGE_SERDE.serializer().serialize("s", pending);

    assertThat(SchedulerStores.PENDING_MESSAGE_SERDE.deserializer().deserialize("s", bytes))
        .isEqualTo(pending);
  }

  @Test
  void shouldRoundTripWhenNeverReleased() {
    PendingMessage pending = PendingMessage.scheduled(MessageRow.pendingAt(T).build(), T);

    byte[] bytes = SchedulerStores.PENDING_MESSAGE_SERDE.serializer().serialize("s", pending);

    assertThat(SchedulerStores.PENDING_MESSAGE_SERDE.deserializer().deserialize("s", bytes))
        .isEqualTo(pending);
  }

  @Test
  void shouldHideContentAndRecipientWhenPrinted() {
    ScheduledMessage row = MessageRow.pendingAt(T).build();

    String text = PendingMessage.scheduled(row, T).toString();

    assertThat(text)
        .contains(row.id().toString())
        .doesNotContain(row.recipientId())
        .doesNotContain(MessageRow.CONTENT)
        .doesNotContain(MessageRow.PARAMETER);
  }

  @Test
  void shouldRecordAttemptsWhenReleased() {
    ScheduledMessage row = MessageRow.pendingAt(T).attempts(2, T).build();

    PendingMessage released = PendingMessage.scheduled(row, T).releasedAt(T, T.plusSeconds(30));

    assertThat(released.wasReleasedWith(2)).isTrue();
    assertThat(released.wasReleasedWith(3)).isFalse();
    assertThat(released.indexKey().dueEpochMillis())
        .isEqualTo(T.plusSeconds(30).toEpochMilli() + 1);
  }
}

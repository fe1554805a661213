package org.schedmsg.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.serde.JsonSerde;
import org.schedmsg.scheduler.MessageRow;

class PendingMessageTest {
  static final Instant T = Instant.parse("2026-11-28T08:00:00.123456Z");

  /** How builds before the binary format stored a {@link PendingMessage}. */
  static final JsonSerde<PendingMessage> OLDER_BUILDS_SERDE = new JsonSerde<>(PendingMessage.class);

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
  void shouldRecordRowVersionWhenReleased() {
    ScheduledMessage row = MessageRow.pendingAt(T).attempts(2, T).rowVersion(7).build();

    PendingMessage released = PendingMessage.scheduled(row, T).releasedAt(T, T.plusSeconds(30));

    assertThat(released.releasedVersion()).isEqualTo(7);
    assertThat(released.wasReleasedAtVersion(7)).isTrue();
    assertThat(released.wasReleasedAtVersion(8)).isFalse();
    assertThat(PendingMessage.scheduled(row, T).wasReleasedAtVersion(7)).isFalse();
    assertThat(released.indexKey().dueEpochMillis())
        .isEqualTo(T.plusSeconds(30).toEpochMilli() + 1);
  }

  @Test
  void shouldNeverMatchUnknownVersionWhenReleasedWithoutVersion() {
    ScheduledMessage row =
        MessageRow.pendingAt(T).rowVersion(ScheduledMessage.UNKNOWN_VERSION).build();

    PendingMessage released = PendingMessage.scheduled(row, T).releasedAt(T, T.plusSeconds(30));

    assertThat(released.wasReleasedAtVersion(ScheduledMessage.UNKNOWN_VERSION)).isFalse();
  }

  @Test
  void shouldReadAsNotReleasedAtAnyVersionWhenStoredByOlderBuild() {
    PendingMessage current =
        PendingMessage.scheduled(MessageRow.pendingAt(T).build(), T)
            .releasedAt(T, T.plusSeconds(30));
    String json =
        new String(OLDER_BUILDS_SERDE.serialize("s", current), StandardCharsets.UTF_8)
            .replace("\"released_version\":1", "\"released_attempts\":0");

    PendingMessage old =
        SchedulerStores.PENDING_MESSAGE_SERDE
            .deserializer()
            .deserialize("s", json.getBytes(StandardCharsets.UTF_8));

    assertThat(json).contains("released_attempts").doesNotContain("released_version");
    assertThat(old.releasedVersion()).isNull();
    assertThat(old.releasedAt()).isEqualTo(T);
    assertThat(old.wasReleasedAtVersion(1)).isFalse();
  }
}

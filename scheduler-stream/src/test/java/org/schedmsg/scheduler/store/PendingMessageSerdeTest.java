package org.schedmsg.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.serde.JsonSerde;
import org.schedmsg.scheduler.MessageRow;

class PendingMessageSerdeTest {
  static final Instant T = Instant.parse("2026-11-28T08:00:00.123456789Z");
  static final JsonSerde<PendingMessage> OLDER_BUILDS_SERDE = new JsonSerde<>(PendingMessage.class);

  @Test
  void shouldRoundTripEveryFieldWhenAllAreSet() {
    JsonNodeFactory json = JsonNodeFactory.instance;
    ScheduledMessage row =
        new ScheduledMessage(
            UUID.randomUUID(),
            UUID.randomUUID(),
            "@channel_name",
            Platform.WHATSAPP,
            "Grüße 👋 – take 10mg",
            T,
            "med_reminder",
            json.objectNode().put("dose", "10mg").set("times", json.arrayNode().add(8).add(20)),
            json.objectNode().put("every", "P1D"),
            MessageStatus.PENDING,
            "HTTP 503",
            T.plusSeconds(1),
            T.plusSeconds(2),
            T.minusSeconds(3),
            T.minusSeconds(4),
            3,
            T.minusNanos(5),
            -2,
            json.objectNode().put("source", "test").put("n", 1.5),
            7200,
            42L);
    PendingMessage pending = new PendingMessage(row, T.plusSeconds(30), 41L, T.minusSeconds(60));

    assertThat(roundTrip(pending)).isEqualTo(pending);
  }

  @Test
  void shouldRoundTripNullsWhenOptionalFieldsAreAbsent() {
    ScheduledMessage row =
        new ScheduledMessage(
            UUID.randomUUID(),
            null,
            null,
            Platform.TELEGRAM,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            0,
            null,
            ScheduledMessage.DEFAULT_PRIORITY,
            null,
            null,
            ScheduledMessage.UNKNOWN_VERSION);
    PendingMessage pending = PendingMessage.scheduled(row, Instant.EPOCH);

    PendingMessage decoded = roundTrip(pending);

    assertThat(decoded).isEqualTo(pending);
    assertThat(decoded.releasedVersion()).isNull();
    assertThat(decoded.releasedAt()).isNull();
  }

  @Test
  void shouldKeepJsonNullApartFromAbsentWhenJsonFieldsAreNull() {
    ScheduledMessage row = MessageRow.pendingAt(T).parameters(NullNode.instance).build();
    PendingMessage pending = PendingMessage.scheduled(row, T);

    JsonNode parameters = roundTrip(pending).message().parameters();

    assertThat(parameters).isNotNull();
    assertThat(parameters.isNull()).isTrue();
  }

  @Test
  void shouldRoundTripReleaseBookkeepingWhenOnlyReleaseInstantIsKnown() {
    PendingMessage fromOlderBuild =
        new PendingMessage(MessageRow.pendingAt(T).build(), T.plusSeconds(30), null, T);

    assertThat(roundTrip(fromOlderBuild)).isEqualTo(fromOlderBuild);
  }

  @Test
  void shouldWriteVersionedBinaryWhenEncoded() {
    byte[] bytes =
        PendingMessageSerde.encode(PendingMessage.scheduled(MessageRow.pendingAt(T).build(), T));

    assertThat(bytes[0]).isEqualTo(PendingMessageSerde.FORMAT_1);
    assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("message_content");
  }

  @Test
  void shouldReadPendingMessageWrittenAsJsonByOlderVersion() {
    ScheduledMessage row =
        MessageRow.pendingAt(T).attempts(1, T.minusSeconds(5)).rowVersion(3).build();
    PendingMessage pending = PendingMessage.scheduled(row, T).releasedAt(T, T.plusSeconds(30));
    byte[] json = OLDER_BUILDS_SERDE.serialize("messages", pending);

    assertThat((char) json[0]).isEqualTo('{');
    assertThat(PendingMessageSerde.decode(json)).isEqualTo(pending);
    assertThat(PendingMessageSerde.decodeEntry(json)).isEqualTo(pending.entry());
  }

  @Test
  void shouldDecodeEntryAloneWhenRestOfValueIsNotRead() {
    ScheduledMessage row = MessageRow.pendingAt(T).platform(Platform.WHATSAPP).priority(12).build();
    PendingMessage pending = PendingMessage.scheduled(row, T).releasedAt(T, T.plusSeconds(30));
    byte[] bytes = PendingMessageSerde.encode(pending);
    byte[] entryOnly = Arrays.copyOf(bytes, PendingMessageSerde.ENTRY_SIZE);

    PendingEntry entry = PendingMessageSerde.decodeEntry(entryOnly);

    assertThat(entry).isEqualTo(pending.entry());
    assertThat(entry.priority()).isEqualTo(12);
    assertThat(entry.indexKey()).isEqualTo(pending.indexKey());
    assertThatThrownBy(() -> PendingMessageSerde.decode(entryOnly))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void shouldFailWithoutQuotingValueWhenFormatIsUnknownOrValueTruncated() {
    byte[] bytes =
        PendingMessageSerde.encode(PendingMessage.scheduled(MessageRow.pendingAt(T).build(), T));
    byte[] unknown = bytes.clone();
    unknown[0] = 9;
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);

    assertThatThrownBy(() -> PendingMessageSerde.decode(unknown))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown format")
        .hasMessageNotContaining(MessageRow.CONTENT);
    assertThatThrownBy(() -> PendingMessageSerde.decode(truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> PendingMessageSerde.decodeEntry(new byte[0]))
        .isInstanceOf(SerializationException.class);
  }

  private static PendingMessage roundTrip(PendingMessage pending) {
    byte[] bytes =
        SchedulerStores.PENDING_MESSAGE_SERDE.serializer().serialize("messages", pending);
    assertThat(PendingMessageSerde.decodeEntry(bytes)).isEqualTo(pending.entry());
    return SchedulerStores.PENDING_MESSAGE_SERDE.deserializer().deserialize("messages", bytes);
  }
}

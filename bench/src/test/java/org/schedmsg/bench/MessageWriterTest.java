package org.schedmsg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MessageWriterTest {
  @Test
  void shouldWriteCopyRowsTabSeparatedWithNullWindow() {
    PlannedMessage m =
        new PlannedMessage(
            UUID.fromString("00000000-0000-0000-0000-000000000001"),
            "42",
            5,
            Instant.parse("2026-11-29T08:00:00.250Z"));

    assertThat(MessageWriter.copyText(java.util.List.of(m)))
        .isEqualTo(
            "00000000-0000-0000-0000-000000000001\t42\ttelegram\tbenchmark message"
                + "\t2026-11-29T08:00:00.250Z\tpending\t5\t\\N\n");
  }
}

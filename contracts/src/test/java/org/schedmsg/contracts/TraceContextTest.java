package org.schedmsg.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class TraceContextTest {
  private static final UUID ID = UUID.fromString("8a6e0804-2bd0-4672-b79d-d97027f9071a");

  @Test
  void shouldUseMessageIdAsTraceIdWhenFormatted() {
    String traceparent = TraceContext.traceparent(ID, 0, TraceContext.Hop.RELEASE);
    assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    assertThat(traceparent).startsWith("00-8a6e08042bd04672b79dd97027f9071a-");
  }

  @Test
  void shouldGiveEachHopAndAttemptItsOwnSpanWhenFormatted() {
    String release = TraceContext.traceparent(ID, 0, TraceContext.Hop.RELEASE);
    String send = TraceContext.traceparent(ID, 0, TraceContext.Hop.SEND);
    String retry = TraceContext.traceparent(ID, 1, TraceContext.Hop.RELEASE);
    assertThat(release).isNotEqualTo(send).isNotEqualTo(retry);
    assertThat(TraceContext.traceparent(ID, 0, TraceContext.Hop.RELEASE)).isEqualTo(release);
    assertThat(release.substring(36, 52)).isNotEqualTo("0000000000000000");
  }

  /** Span ids are 16 lower-case hex digits, leading zeros kept, never all zero. */
  @Test
  void shouldWriteSixteenHexDigitsWithLeadingZerosWhenSpanIdIsSmall() {
    int leadingZero = 0;
    for (int attempts = 0; attempts < 2000; attempts++) {
      String span =
          TraceContext.spanId(
              new java.util.UUID(attempts, attempts),
              attempts,
              TraceContext.Hop.values()[attempts % TraceContext.Hop.values().length]);
      org.assertj.core.api.Assertions.assertThat(span)
          .matches("[0-9a-f]{16}")
          .isNotEqualTo("0000000000000000");
      org.assertj.core.api.Assertions.assertThat(Long.parseUnsignedLong(span, 16)).isNotZero();
      leadingZero += span.startsWith("0") ? 1 : 0;
    }
    org.assertj.core.api.Assertions.assertThat(leadingZero)
        .as("cases with a leading zero")
        .isPositive();
  }
}

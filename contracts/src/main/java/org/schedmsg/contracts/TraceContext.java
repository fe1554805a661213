package org.schedmsg.contracts;

import java.util.Locale;
import java.util.UUID;

/**
 * W3C trace context ({@code traceparent}) of a message. The trace id is the message id's 32 hex
 * digits, so every hop (CDC record, release, platform request) of one message lands in the same
 * trace without carrying state; each hop names its own span.
 */
public final class TraceContext {
  /** The span kinds of the hops; part of the span id so that each hop's span differs. */
  public enum Hop {
    RELEASE,
    SEND,
    CHANGE
  }

  private TraceContext() {}

  /** {@code 00-<trace id>-<span id>-01} for {@code hop} of attempt {@code attempts}. */
  public static String traceparent(UUID messageId, int attempts, Hop hop) {
    return "00-" + traceId(messageId) + "-" + spanId(messageId, attempts, hop) + "-01";
  }

  public static String traceId(UUID messageId) {
    return messageId.toString().replace("-", "").toLowerCase(Locale.ROOT);
  }

  static String spanId(UUID messageId, int attempts, Hop hop) {
    long mixed = messageId.getLeastSignificantBits() * 31 + attempts;
    mixed = mixed * 31 + hop.ordinal() + 1;
    mixed ^= (mixed >>> 33);
    mixed *= 0xff51afd7ed558ccdL;
    mixed ^= (mixed >>> 33);
    if (mixed == 0) {
      mixed = 1; // W3C: an all-zero span id is invalid
    }
    String hex = Long.toHexString(mixed); // String.format cost ~2% of the scheduler's release
    return "0000000000000000".substring(hex.length()) + hex;
  }
}

package org.schedmsg.contracts.config;

import java.time.Duration;

/** Durations as the settings spell them: {@code 100ms}, {@code 30s}, {@code 5m}, {@code 2h}. */
final class Durations {
  private Durations() {}

  /** Parses what {@link #format} writes, and ISO-8601; throws on anything else. */
  static Duration parse(String text) {
    return Env.parseDuration(text);
  }

  /** The shortest of the units above that shows {@code duration} exactly. */
  static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    if (duration.toNanosPart() % 1_000_000 != 0) {
      return duration.toString();
    }
    long millis = duration.toMillis();
    if (millis % 1000 != 0) {
      return millis + "ms";
    }
    long seconds = duration.toSeconds();
    if (seconds % 60 != 0) {
      return seconds + "s";
    }
    if (seconds % 3600 != 0) {
      return seconds / 60 + "m";
    }
    if (seconds % 86_400 != 0) {
      return seconds / 3600 + "h";
    }
    return seconds / 86_400 + "d";
  }
}

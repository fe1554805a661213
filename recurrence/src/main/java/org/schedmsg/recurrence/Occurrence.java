package org.schedmsg.recurrence;

import java.time.Instant;
import java.util.Objects;

/**
 * One occurrence of a series: when it is due and its 1-based number in the series (the first row is
 * number 1; skipped occurrences are counted).
 */
public record Occurrence(Instant time, int number) {
  public Occurrence {
    Objects.requireNonNull(time, "time");
    if (number < 1) {
      throw new IllegalArgumentException("number must be at least 1");
    }
  }
}

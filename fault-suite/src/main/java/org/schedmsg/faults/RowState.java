package org.schedmsg.faults;

import java.time.Instant;
import java.util.UUID;

/**
 * A row as PostgreSQL holds it when the judge reads it, with what the judge needs: the group it was
 * due with (null when none) and how many of its attempts had an outcome the sender could not know:
 * abandoned by a crash, or ended by an ambiguous answer (the documented window of "never twice").
 * Holds recipient and text: {@link #toString()} prints neither.
 */
record RowState(
    UUID id,
    String platform,
    String recipient,
    String text,
    Instant scheduledTime,
    Integer windowSeconds,
    int priority,
    String status,
    String errorMessage,
    String groupKey,
    int unknownOutcomeAttempts,
    String kind,
    String attemptTrail) {

  boolean pending() {
    return "pending".equals(status);
  }

  /** The latest instant the row may be delivered at, or null when it has no window. */
  Instant deadline() {
    return windowSeconds == null ? null : scheduledTime.plusSeconds(windowSeconds);
  }

  @Override
  public String toString() {
    return "RowState{"
        + id
        + ", "
        + kind
        + ", "
        + platform
        + ", "
        + status
        + ", p"
        + priority
        + '}';
  }
}

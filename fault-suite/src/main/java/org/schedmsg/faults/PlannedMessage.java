package org.schedmsg.faults;

import java.util.UUID;

/**
 * A row the load generator wrote, with what it wrote first (an edit's old recipient and text must
 * never reach the platform). Holds patient-like data: {@link #toString()} prints ids only.
 */
record PlannedMessage(
    UUID id, Kind kind, String platform, int priority, String firstRecipient, String firstText) {

  enum Kind {
    IMMEDIATE,
    GROUP,
    RECURRING,
    CANCELLED,
    EDITED
  }

  @Override
  public String toString() {
    return "PlannedMessage{" + id + ", " + kind + ", " + platform + ", p" + priority + '}';
  }
}

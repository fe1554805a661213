package org.schedmsg.faults;

import java.time.Instant;

/**
 * One request a fake platform received and what it answered. Holds recipient and text so that the
 * judge can match it to a row; {@link #toString()} leaves both out.
 */
record JournalEntry(
    String platform, String recipient, String text, Instant receivedAt, int status) {
  boolean accepted() {
    return status == 200;
  }

  @Override
  public String toString() {
    return "JournalEntry{" + platform + ", " + receivedAt + ", " + status + '}';
  }
}

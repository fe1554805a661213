package org.schedmsg.cli.command;

import java.io.PrintWriter;
import java.time.Instant;
import org.schedmsg.cli.db.MessageView;

/** Plain-text rendering shared by the commands (identifiers and states only, no content). */
final class Output {
  private Output() {}

  static void header(PrintWriter out) {
    out.printf(
        "%-36s  %-8s  %-9s  %3s  %-27s  %3s  %-27s  %s%n",
        "id", "platform", "status", "pri", "scheduled_time", "att", "last_attempt_time", "error");
  }

  static void row(PrintWriter out, MessageView m) {
    out.printf(
        "%-36s  %-8s  %-9s  %3d  %-27s  %3d  %-27s  %s%n",
        m.id(),
        m.platform(),
        m.status(),
        m.priority(),
        text(m.scheduledTime()),
        m.attempts(),
        text(m.lastAttemptTime()),
        m.errorMessage() == null ? "-" : m.errorMessage());
  }

  static String text(Instant instant) {
    return instant == null ? "-" : instant.toString();
  }
}

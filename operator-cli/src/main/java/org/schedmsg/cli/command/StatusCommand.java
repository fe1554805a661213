package org.schedmsg.cli.command;

import java.io.PrintWriter;
import java.sql.Connection;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.schedmsg.cli.config.ConnectionOptions;
import org.schedmsg.cli.db.AttemptLog;
import org.schedmsg.cli.db.AttemptView;
import org.schedmsg.cli.db.MessageRepository;
import org.schedmsg.cli.db.MessageView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A message's delivery state and its latest delivery attempts from {@code delivery_attempts} (no
 * content or recipient).
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Show a message's status, attempts and outcome, and its latest delivery attempts"
            + " (whether it is being delivered right now).")
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Parameters(paramLabel = "MESSAGE_ID", description = "the message id (UUID)")
  UUID id;

  /** How many of the latest attempts are listed. */
  static final int ATTEMPTS_SHOWN = 10;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Optional<MessageView> found;
    AttemptLog attempts = null;
    try (Connection c = connection.openDatabase()) {
      MessageRepository repository = new MessageRepository(c);
      found = repository.find(id);
      if (found.isPresent()) {
        attempts = repository.attempts(id, ATTEMPTS_SHOWN);
      }
    }
    if (found.isEmpty()) {
      spec.commandLine().getErr().println("no message " + id);
      return ExitCodes.NOT_APPLICABLE;
    }
    MessageView m = found.get();
    out.println("id:                " + m.id());
    out.println("platform:          " + m.platform());
    out.println("status:            " + m.status());
    out.println("priority:          " + m.priority());
    out.println("scheduled_time:    " + Output.text(m.scheduledTime()));
    out.println(
        "delivery_window:   "
            + (m.deliveryWindowSeconds() == null ? "none" : m.deliveryWindowSeconds() + "s"));
    out.println("attempts:          " + m.attempts());
    out.println("last_attempt_time: " + Output.text(m.lastAttemptTime()));
    out.println("sent_at:           " + Output.text(m.sentAt()));
    out.println("failed_at:         " + Output.text(m.failedAt()));
    out.println("error_message:     " + (m.errorMessage() == null ? "-" : m.errorMessage()));
    out.println("row_version:       " + m.rowVersion());
    out.println("receipt:           " + receipt(m));
    printAttempts(out, attempts);
    return ExitCodes.OK;
  }

  private static String receipt(MessageView m) {
    if (!"whatsapp".equals(m.platform())) {
      return "none (the platform has no delivery receipts)";
    }
    if (m.receipt().status() == null) {
      return "none yet";
    }
    return m.receipt().status()
        + (m.receipt().deliveredAt() == null ? "" : ", delivered_at " + m.receipt().deliveredAt())
        + (m.receipt().readAt() == null ? "" : ", read_at " + m.receipt().readAt());
  }

  private static void printAttempts(PrintWriter out, AttemptLog log) {
    if (!log.available()) {
      out.println("delivery_attempts: not available (table missing or not readable)");
      return;
    }
    log.live()
        .ifPresent(
            a ->
                out.println(
                    "being delivered:   yes, attempt "
                        + a.attempt()
                        + " in flight until "
                        + Output.text(a.leaseUntil())
                        + " (cancel and changes are refused until its outcome is recorded)"));
    if (log.total() == 0) {
      out.println("delivery_attempts: none");
      return;
    }
    out.println(
        "delivery_attempts: "
            + log.total()
            + (log.total() > log.latest().size() ? " (latest " + log.latest().size() + ")" : ""));
    out.printf(
        "  %3s  %-10s  %-27s  %-27s  %-27s  %s%n",
        "att", "state", "claimed_at", "lease_until", "finished_at", "error");
    for (AttemptView a : log.latest()) {
      out.printf(
          "  %3d  %-10s  %-27s  %-27s  %-27s  %s%n",
          a.attempt(),
          a.state() + ("in_flight".equals(a.state()) && !a.live() ? "!" : ""),
          Output.text(a.claimedAt()),
          Output.text(a.leaseUntil()),
          Output.text(a.finishedAt()),
          a.errorMessage() == null ? "-" : a.errorMessage());
    }
    if (log.latest().stream().anyMatch(a -> "in_flight".equals(a.state()) && !a.live())) {
      out.println(
          "  (in_flight! = lease ran out without an outcome: the sender stopped mid-send;"
              + " whether the platform received it is unknown)");
    }
  }
}

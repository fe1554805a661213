package org.schedmsg.cli.command;

import java.io.PrintWriter;
import java.sql.Connection;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.schedmsg.cli.config.ConnectionOptions;
import org.schedmsg.cli.db.MessageRepository;
import org.schedmsg.cli.db.MessageView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A message's delivery state (no content or recipient). */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show a message's status, attempts and outcome.")
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Parameters(paramLabel = "MESSAGE_ID", description = "the message id (UUID)")
  UUID id;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Optional<MessageView> found;
    try (Connection c = connection.openDatabase()) {
      found = new MessageRepository(c).find(id);
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
    return ExitCodes.OK;
  }
}

package org.schedmsg.cli.command;

import java.sql.Connection;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.schedmsg.cli.config.ConnectionOptions;
import org.schedmsg.cli.db.MessageRepository;
import org.schedmsg.cli.db.MessageRepository.BeingDeliveredException;
import org.schedmsg.cli.db.MessageRepository.CancelOutcome;
import org.schedmsg.cli.db.MessageView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Cancels a pending message; a message already sent, failed or cancelled is left as it is. A
 * message a sender is delivering right now cannot be cancelled (the database refuses with SQLSTATE
 * SM001): the command says so and exits {@link ExitCodes#BEING_DELIVERED}; the row then shows the
 * outcome of that delivery.
 */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description =
        "Cancel a pending message (status cancelled; it will never be sent), or with --series a"
            + " whole recurring series. A message being delivered right now cannot be cancelled"
            + " (exit code 5): check its status once the outcome is recorded.")
public final class CancelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Parameters(paramLabel = "ID", description = "the message id, or with --series the series id")
  UUID id;

  @Option(
      names = "--series",
      description =
          "cancel the whole recurring series (its pending occurrence); ID is the series id")
  boolean series;

  @Override
  public Integer call() throws Exception {
    try (Connection c = connection.openDatabase()) {
      MessageRepository repository = new MessageRepository(c);
      if (series) {
        int cancelled;
        try {
          cancelled = repository.cancelSeries(id);
        } catch (BeingDeliveredException e) {
          spec.commandLine()
              .getErr()
              .println(
                  "not cancelled: an occurrence of series "
                      + id
                      + " is being delivered right now; nothing was changed. Check `schedmsg"
                      + " status` of that occurrence after its outcome is recorded (sent, failed,"
                      + " or pending again after a retryable error), then cancel the series again.");
          return ExitCodes.BEING_DELIVERED;
        }
        if (cancelled == 0) {
          spec.commandLine().getErr().println("no pending occurrence of series " + id);
          return ExitCodes.NOT_APPLICABLE;
        }
        spec.commandLine()
            .getOut()
            .println(
                "cancelled series "
                    + id
                    + " ("
                    + cancelled
                    + " pending occurrence(s)); no further occurrence will be scheduled");
        return ExitCodes.OK;
      }
      CancelOutcome outcome = repository.cancel(id);
      if (outcome == CancelOutcome.CANCELLED) {
        spec.commandLine().getOut().println("cancelled " + id);
        return ExitCodes.OK;
      }
      if (outcome == CancelOutcome.BEING_DELIVERED) {
        spec.commandLine()
            .getErr()
            .println(
                "not cancelled: message "
                    + id
                    + " is being delivered right now (a sender claimed it and is calling the"
                    + " platform); nothing was changed. Check `schedmsg status "
                    + id
                    + "` after the outcome is recorded: sent or failed is final; if it is pending"
                    + " again (a retryable error), cancel again.");
        return ExitCodes.BEING_DELIVERED;
      }
      Optional<MessageView> found = repository.find(id);
      spec.commandLine()
          .getErr()
          .println(
              found.isEmpty()
                  ? "no message " + id
                  : "not cancelled: message " + id + " is already " + found.get().status());
      return ExitCodes.NOT_APPLICABLE;
    }
  }
}

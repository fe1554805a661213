package org.schedmsg.cli.command;

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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Cancels a pending message; a message already sent, failed or cancelled is left as it is. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description =
        "Cancel a pending message (status cancelled; it will never be sent), or with --series a"
            + " whole recurring series.")
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
        int cancelled = repository.cancelSeries(id);
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
      if (repository.cancel(id)) {
        spec.commandLine().getOut().println("cancelled " + id);
        return ExitCodes.OK;
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

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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Cancels a pending message; a message already sent, failed or cancelled is left as it is. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = "Cancel a pending message (status cancelled; it will never be sent).")
public final class CancelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Parameters(paramLabel = "MESSAGE_ID", description = "the message id (UUID)")
  UUID id;

  @Override
  public Integer call() throws Exception {
    try (Connection c = connection.openDatabase()) {
      MessageRepository repository = new MessageRepository(c);
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

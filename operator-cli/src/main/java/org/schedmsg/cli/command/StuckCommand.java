package org.schedmsg.cli.command;

import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.schedmsg.cli.config.ConnectionOptions;
import org.schedmsg.cli.db.MessageRepository;
import org.schedmsg.cli.db.MessageView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Pending messages that should have moved: due long ago, or claimed with no outcome. */
@Command(
    name = "stuck",
    mixinStandardHelpOptions = true,
    description =
        "List pending messages due more than --older-than ago and never attempted, or claimed"
            + " more than --older-than ago without an outcome (stalled deliveries).")
public final class StuckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Option(names = "--older-than", defaultValue = "5m", description = "e.g. 30s, 5m, 1h")
  String olderThan;

  private final Clock clock;

  public StuckCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    Duration threshold;
    try {
      threshold = TimeArgument.duration(olderThan);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--older-than must be a duration like 5m");
    }
    List<MessageView> stuck;
    try (Connection c = connection.openDatabase()) {
      stuck = new MessageRepository(c).stuck(clock.instant(), threshold);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(stuck.size() + " stuck message(s) (pending, older than " + olderThan + ")");
    if (!stuck.isEmpty()) {
      Output.header(out);
      stuck.forEach(m -> Output.row(out, m));
    }
    return ExitCodes.OK;
  }
}

package org.schedmsg.cli;

import java.sql.SQLException;
import java.time.Clock;
import org.apache.kafka.common.KafkaException;
import org.schedmsg.cli.command.CancelCommand;
import org.schedmsg.cli.command.ExitCodes;
import org.schedmsg.cli.command.LagCommand;
import org.schedmsg.cli.command.MigrateCommand;
import org.schedmsg.cli.command.ReplayCommand;
import org.schedmsg.cli.command.ScheduleCommand;
import org.schedmsg.cli.command.StatusCommand;
import org.schedmsg.cli.command.StuckCommand;
import org.schedmsg.cli.command.TopicsCommand;
import org.schedmsg.contracts.config.Env;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The operator CLI: {@code schedmsg <command> --help}. */
@Command(
    name = "schedmsg",
    mixinStandardHelpOptions = true,
    version = "schedmsg 0.1.0",
    description =
        "Operate the schedmsg pipeline: schedule, inspect, cancel, find stuck messages,"
            + " show lag, replay a platform topic; the deployment jobs: migrate, topics.")
public final class SchedmsgCli implements Runnable {
  private final CommandLine commandLine;

  public SchedmsgCli(Clock clock) {
    this(clock, Env.system());
  }

  /** A CLI reading the Kafka client settings ({@code KAFKA_CLIENT_*}) from {@code env}. */
  public SchedmsgCli(Clock clock, Env env) {
    this.commandLine =
        new CommandLine(this)
            .addSubcommand(new ScheduleCommand(clock))
            .addSubcommand(new StatusCommand())
            .addSubcommand(new CancelCommand())
            .addSubcommand(new StuckCommand(clock))
            .addSubcommand(new LagCommand(clock, env))
            .addSubcommand(new ReplayCommand(clock, env))
            .addSubcommand(new MigrateCommand())
            .addSubcommand(new TopicsCommand(env))
            .setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                  cmd.getErr().println("error: " + describe(e));
                  return ExitCodes.UNAVAILABLE;
                });
  }

  public CommandLine commandLine() {
    return commandLine;
  }

  /** A short description without SQL details (they may quote row content). */
  static String describe(Exception e) {
    if (e instanceof SQLException sql) {
      return "database error (SQLState "
          + sql.getSQLState()
          + "); check --database-url and"
          + " credentials";
    }
    if (e instanceof KafkaException
        || e.getCause() instanceof KafkaException
        || e instanceof java.util.concurrent.TimeoutException) {
      return "Kafka error ("
          + e.getClass().getSimpleName()
          + "); check --bootstrap-servers and the client settings (--command-config,"
          + " KAFKA_CLIENT_*)";
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  @Override
  public void run() {
    commandLine.usage(commandLine.getOut());
  }

  public static void main(String[] args) {
    System.exit(new SchedmsgCli(Clock.systemUTC()).commandLine().execute(args));
  }
}

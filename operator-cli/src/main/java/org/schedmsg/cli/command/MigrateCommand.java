package org.schedmsg.cli.command;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.schedmsg.cli.config.ConnectionOptions;
import org.schedmsg.provisioning.Migrations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Applies the schema migrations as the table owner: the job that runs before a rollout. Safe to run
 * again: an up-to-date schema is left alone.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = {
      "Apply the schema migrations (Flyway) to the database as the table owner, before a rollout."
          + " Applied migrations are skipped, so running it again changes nothing.",
      "Exit codes: 0 applied or up to date; 3 with --check when migrations are pending;"
          + " 4 the database cannot be reached; 6 a migration failed (nothing after it ran)."
    })
public final class MigrateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Option(
      names = "--check",
      description = "apply nothing; list the pending migrations and exit 3 if there are any")
  boolean check;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DataSource dataSource;
    try {
      dataSource = connection.dataSourceAsGivenUser();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "migrate runs as the table owner: " + e.getMessage());
    }
    try {
      if (check) {
        MigrationInfo[] pending = Migrations.configure(dataSource).load().info().pending();
        for (MigrationInfo migration : pending) {
          out.println("pending  V" + migration.getVersion() + " " + migration.getDescription());
        }
        out.println(pending.length + " migrations pending");
        return pending.length == 0 ? ExitCodes.OK : ExitCodes.REFUSED;
      }
      MigrateResult result = Migrations.apply(dataSource);
      // Flyway's result names the version reached, or the version found when nothing was applied
      String version =
          result.targetSchemaVersion != null
              ? result.targetSchemaVersion
              : result.initialSchemaVersion;
      out.println(
          "schema at version "
              + (version == null ? "none" : version)
              + ": "
              + (result.migrationsExecuted == 0
                  ? "up to date"
                  : result.migrationsExecuted + " migrations applied"));
      return ExitCodes.OK;
    } catch (FlywayException e) {
      SQLException sql = sqlCause(e);
      if (sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
        err.println(
            "error: cannot reach the database (SQLState "
                + sql.getSQLState()
                + "); check --database-url");
        return ExitCodes.UNAVAILABLE;
      }
      if (sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("28")) {
        err.println(
            "error: the database refused the login (SQLState "
                + sql.getSQLState()
                + "); check --database-user and the password");
        return ExitCodes.UNAVAILABLE;
      }
      // Flyway's message names the migration; a server's detail (which can quote a row) is off
      err.println(
          "error: migration failed ("
              + (sql == null ? e.getClass().getSimpleName() : "SQLState " + sql.getSQLState())
              + "): "
              + firstLine(e.getMessage()));
      return ExitCodes.JOB_FAILED;
    }
  }

  private static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}

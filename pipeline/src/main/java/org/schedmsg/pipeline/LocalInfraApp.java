package org.schedmsg.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Pattern;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.ServiceExit;
import org.schedmsg.pipeline.config.LocalRunConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local infrastructure without the services: embedded PostgreSQL (migrated), the KRaft broker
 * with the topics and the sandbox platforms, as {@code ./run-local.sh} starts them ({@link
 * LocalStack}, same {@code LOCAL_*} settings), for running the services as processes of their own,
 * e.g. from their distributions ({@code .ci/smoke-distributions}).
 *
 * <p>Writes what each service needs into {@code <LOCAL_DATA_DIR>/env/<name>.env} ({@code
 * cdc-ingestor}, {@code scheduler-stream}, {@code sender-telegram}, {@code sender-whatsapp}, and
 * {@code schedmsg} for the operator CLI): {@code KEY=value} lines a shell reads with {@code set -a;
 * . file}, readable by the owner only (they hold the dev credentials). Then logs {@value
 * #READY_LINE} and runs until SIGTERM or Ctrl-C; exit codes as the services' ({@link ServiceExit}).
 */
public final class LocalInfraApp {
  private static final Logger log = LoggerFactory.getLogger(LocalInfraApp.class);

  /** Logged once everything runs and the environment files are written; scripts wait for it. */
  public static final String READY_LINE = "schedmsg local infrastructure is running";

  /** The directory under {@code LOCAL_DATA_DIR} that holds the environment files. */
  public static final String ENV_DIRECTORY = "env";

  private static final Pattern PLAIN_VALUE = Pattern.compile("[A-Za-z0-9_.,:/@%+=-]*");

  private LocalInfraApp() {}

  public static void main(String[] args) {
    Env env = Env.system();
    ServiceExit.run("local-infra", () -> LocalRunConfig.fromEnv(env), run -> start(run, env));
  }

  static ServiceExit.Running start(LocalRunConfig run, Env env) throws IOException {
    LocalStack stack = LocalStack.start(run, env);
    Path directory = run.dataDir().resolve(ENV_DIRECTORY);
    try {
      writeEnvironmentFiles(directory, stack.serviceEnvironments(env));
    } catch (IOException | RuntimeException e) {
      stack.close();
      throw e;
    }
    log.info(
        "{}: {}; environment of each service in {}/<name>.env ({}). SIGTERM or Ctrl-C stops it.",
        READY_LINE,
        stack.summary(),
        directory,
        String.join(", ", LocalStack.SERVICES));
    return new ServiceExit.Running() {
      @Override
      public String failure() {
        return null;
      }

      @Override
      public void close() {
        stack.close();
      }
    };
  }

  /** One {@code <name>.env} per entry, replaced whole, readable by the owner only. */
  static void writeEnvironmentFiles(Path directory, Map<String, Map<String, String>> environments)
      throws IOException {
    Files.createDirectories(directory);
    for (Map.Entry<String, Map<String, String>> service : environments.entrySet()) {
      StringBuilder text =
          new StringBuilder("# ")
              .append(service.getKey())
              .append(" against the local infrastructure (LocalInfraApp); dev-only credentials\n");
      service
          .getValue()
          .forEach((key, value) -> text.append(key).append('=').append(quote(value)).append('\n'));
      Path file = directory.resolve(service.getKey() + ".env");
      Path temporary = directory.resolve(service.getKey() + ".env.tmp");
      Files.deleteIfExists(temporary);
      Files.createFile(temporary);
      ownerOnly(temporary);
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** As the shell reads it: plain when it can be, else in single quotes. */
  static String quote(String value) {
    if (PLAIN_VALUE.matcher(value).matches()) {
      return value;
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }

  private static void ownerOnly(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the directory's own protection applies
    }
  }
}

package org.schedmsg.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The environment files of {@link LocalInfraApp}: one per service, owner-only, read back by a shell
 * as written. The whole infrastructure: {@code .ci/smoke-distributions}.
 */
class LocalInfraAppTest {
  @TempDir Path dir;

  @Test
  void shouldWriteOneOwnerOnlyFilePerServiceThatShellReadsBack() throws Exception {
    Map<String, Map<String, String>> environments = new LinkedHashMap<>();
    environments.put(
        "sender-telegram",
        Map.of(
            "DATABASE_URL", "jdbc:postgresql://localhost:15432/schedmsg",
            "TELEGRAM_API_BASE_URL", "http://127.0.0.1:18081",
            "ODD", "it's $HOME and `date` \"quoted\""));
    environments.put("schedmsg", Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:19092"));

    LocalInfraApp.writeEnvironmentFiles(dir.resolve("env"), environments);

    Path file = dir.resolve("env/sender-telegram.env");
    assertThat(dir.resolve("env")).isDirectoryContaining("glob:**/schedmsg.env");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file))
        .contains("DATABASE_URL=jdbc:postgresql://localhost:15432/schedmsg\n");
    assertThat(shellValue(file, "ODD")).isEqualTo("it's $HOME and `date` \"quoted\"");
    assertThat(shellValue(file, "TELEGRAM_API_BASE_URL")).isEqualTo("http://127.0.0.1:18081");
  }

  @Test
  void shouldReplaceFilesOfEarlierRun() throws Exception {
    LocalInfraApp.writeEnvironmentFiles(dir, Map.of("schedmsg", Map.of("A", "1")));
    LocalInfraApp.writeEnvironmentFiles(dir, Map.of("schedmsg", Map.of("A", "2")));

    assertThat(shellValue(dir.resolve("schedmsg.env"), "A")).isEqualTo("2");
    assertThat(dir).isDirectoryNotContaining("glob:**/*.tmp");
  }

  private static String shellValue(Path file, String key) throws Exception {
    Process sh =
        new ProcessBuilder(
                "sh", "-c", ". \"$1\"; printf %s \"$" + key + "\"", "sh", file.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}

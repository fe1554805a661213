package org.schedmsg.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeakScannerTest {
  @TempDir Path dir;

  @Test
  void shouldFindTextRecipientAndSecretWithoutPrintingThem() throws IOException {
    Path clean = Files.writeString(dir.resolve("clean.log"), "sent message 42 id=abc\n");
    Path leaky =
        Files.writeString(
            dir.resolve("leaky.log"),
            "ok\nsending fs run baseline group 1a2b to 98123456789\ntoken sandbox-telegram-token\n");
    List<LeakScanner.Needle> needles =
        List.of(
            new LeakScanner.Needle("message text", "fs run baseline group 1a2b"),
            new LeakScanner.Needle("recipient id", "98123456789"),
            new LeakScanner.Needle("secret", "sandbox-telegram-token"));

    LeakScanner.Result result = new LeakScanner().scan(List.of(clean, leaky), needles);

    assertThat(result.leaks()).isEqualTo(2);
    assertThat(result.findings())
        .containsExactly("I6 leak: message text in leaky.log:2", "I6 leak: secret in leaky.log:3");
    assertThat(String.join(" ", result.findings()))
        .doesNotContain("98123456789")
        .doesNotContain("sandbox-telegram-token");
  }

  @Test
  void shouldReportNoLeakWhenLogsHoldOnlyIdentifiers() throws IOException {
    Path log = Files.writeString(dir.resolve("a.log"), "message 0b5e sent\n");

    LeakScanner.Result result =
        new LeakScanner()
            .scan(List.of(log), List.of(new LeakScanner.Needle("recipient id", "98123456789")));

    assertThat(result.leaks()).isZero();
  }
}

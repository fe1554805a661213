package org.schedmsg.sender.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.core.config.SenderConfig;

class SenderServiceTest {
  @Test
  void shouldFailFastWithoutPasswordWhenDatabaseUnreachable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    SenderConfig config =
        SenderConfig.fromEnv(
            new Env(
                Map.of(
                    "DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + closedPort + "/schedmsg",
                    "DATABASE_USER", "schedmsg_sender",
                    "DATABASE_PASSWORD", "pw-never-shown",
                    "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")),
            Platform.TELEGRAM);

    assertThatThrownBy(
            () ->
                SenderService.start(
                    config, request -> new SendResult.Delivered("1"), Clock.systemUTC()))
        .isInstanceOf(RuntimeException.class)
        .hasMessageNotContaining("pw-never-shown");
  }
}

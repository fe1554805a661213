package org.schedmsg.sender.core.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.sender.core.testing.TestRequests;

class JdbcMessageStatusRepositoryTest {
  @Test
  void shouldThrowStatusStoreExceptionNamingMessageWhenDatabaseUnreachable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/none");
    dataSource.setConnectTimeout(2);
    MessageStatusRepository repository = new JdbcMessageStatusRepository(dataSource);
    // a recipient that cannot occur inside the message id (not hex), so the check cannot flake
    DeliveryRequest request =
        TestRequests.request(Platform.TELEGRAM, "@patient_chat", "secret text");

    assertThatThrownBy(() -> repository.claim(request, Instant.now()))
        .isInstanceOf(StatusStoreException.class)
        .hasMessageContaining(request.messageId().toString())
        .hasMessageNotContaining("@patient_chat")
        .hasMessageNotContaining("secret text");
  }

  @Test
  void shouldCutReasonToTwoHundredCharactersWhenLonger() {
    assertThat(JdbcMessageStatusRepository.truncate("a".repeat(250))).hasSize(200);
    assertThat(JdbcMessageStatusRepository.truncate("short")).isEqualTo("short");
    assertThat(JdbcMessageStatusRepository.truncate(null)).isNull();
  }
}

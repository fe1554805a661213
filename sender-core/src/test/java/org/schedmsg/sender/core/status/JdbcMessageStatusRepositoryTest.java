package org.schedmsg.sender.core.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.sender.core.retry.Decision;
import org.schedmsg.sender.core.testing.TestRequests;

class JdbcMessageStatusRepositoryTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

  /** A PostgreSQL data source whose port nobody listens on. */
  private static DataSource unreachable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/none");
    dataSource.setConnectTimeout(2);
    return dataSource;
  }

  // a recipient that cannot occur inside the message id (not hex), so the checks cannot flake
  private static DeliveryRequest request() {
    return TestRequests.request(Platform.TELEGRAM, "@patient_chat", "secret text");
  }

  @Test
  void shouldThrowStatusStoreExceptionNamingMessageWhenDatabaseUnreachable() throws IOException {
    MessageStatusRepository repository =
        new JdbcMessageStatusRepository(unreachable(), Platform.TELEGRAM);
    DeliveryRequest request = request();

    assertThatThrownBy(() -> repository.claim(request, LEASE))
        .isInstanceOf(StatusStoreException.class)
        .hasMessageContaining(request.messageId().toString())
        .hasMessageNotContaining("@patient_chat")
        .hasMessageNotContaining("secret text")
        .satisfies(e -> assertThat(((StatusStoreException) e).isTransient()).isTrue());
  }

  @Test
  void shouldThrowTransientStatusStoreExceptionForEveryCallWhenDatabaseUnreachable()
      throws IOException {
    MessageStatusRepository repository =
        new JdbcMessageStatusRepository(unreachable(), Platform.TELEGRAM);
    DeliveryRequest request = request();
    StatusWrite write =
        new StatusWrite(
            Decision.Kind.SENT,
            request.messageId(),
            7,
            1,
            1,
            NOW,
            "pm-1",
            NOW.plusMillis(5),
            false);
    RejectedMessage rejection =
        new RejectedMessage(
            RejectedMessage.SCHEMA_VERSION,
            request.messageId(),
            Platform.TELEGRAM,
            0,
            request.scheduledTime(),
            "delivery_window_expired",
            NOW,
            1L);

    for (Runnable call :
        List.<Runnable>of(
            () -> repository.record(write),
            () -> repository.recordPlain(write),
            () -> repository.failUnusable(request, "invalid_metadata", NOW),
            () -> repository.reject(rejection, NOW),
            () -> repository.stillCurrent(List.of(request)))) {
      assertThatThrownBy(call::run)
          .isInstanceOf(StatusStoreException.class)
          .hasMessageContaining(request.messageId().toString())
          .hasMessageNotContaining("@patient_chat")
          .hasMessageNotContaining("secret text")
          .satisfies(e -> assertThat(((StatusStoreException) e).isTransient()).isTrue());
    }
  }

  @Test
  void shouldRefuseUnversionedReleaseWithoutTouchingDatabase() {
    CountingDataSource dataSource = new CountingDataSource();
    MessageStatusRepository repository =
        new JdbcMessageStatusRepository(dataSource, Platform.TELEGRAM);
    DeliveryRequest unversioned =
        TestRequests.withRowVersion(request(), ScheduledMessage.UNKNOWN_VERSION);

    assertThat(repository.claim(unversioned, LEASE))
        .isEqualTo(new Claim.Refused(Claim.Refusal.UNVERSIONED));
    assertThat(dataSource.connections.get()).isZero();
  }

  @Test
  void shouldIgnoreUnversionedRejectionWithoutTouchingDatabase() {
    CountingDataSource dataSource = new CountingDataSource();
    MessageStatusRepository repository =
        new JdbcMessageStatusRepository(dataSource, Platform.TELEGRAM);
    DeliveryRequest request = request();
    RejectedMessage unversioned =
        new RejectedMessage(
            RejectedMessage.SCHEMA_VERSION,
            request.messageId(),
            Platform.TELEGRAM,
            0,
            request.scheduledTime(),
            "delivery_window_expired",
            NOW,
            ScheduledMessage.UNKNOWN_VERSION);

    assertThat(repository.reject(unversioned, NOW)).isFalse();
    assertThat(repository.stillCurrent(List.of())).isEmpty();
    assertThat(dataSource.connections.get()).isZero();
  }

  @Test
  void shouldCloseAttemptAsAbandonedWhenLeaseWasLost() {
    StatusWrite lost =
        new StatusWrite(
            Decision.Kind.RETRYABLE,
            request().messageId(),
            7,
            3,
            2,
            NOW,
            "claim_lease_expired",
            NOW,
            true);
    StatusWrite answered =
        new StatusWrite(
            Decision.Kind.GIVE_BACK,
            request().messageId(),
            7,
            3,
            2,
            NOW,
            "telegram:429",
            NOW,
            false);

    assertThat(lost.attemptState()).isEqualTo("abandoned");
    assertThat(answered.attemptState()).isEqualTo("given_back");
  }

  @Test
  void shouldNotPrintRowContentWhenClaimIsPrinted() {
    DeliveryRequest request = request();
    Claim.Claimed claimed = new Claim.Claimed(11, 1, NOW, request);

    assertThat(claimed.toString())
        .doesNotContain("@patient_chat")
        .doesNotContain("secret text")
        .contains("attemptId=11");
  }

  @Test
  void shouldCutReasonToTwoHundredCharactersWhenLonger() {
    assertThat(JdbcMessageStatusRepository.truncate("a".repeat(250))).hasSize(200);
    assertThat(JdbcMessageStatusRepository.truncate("short")).isEqualTo("short");
    assertThat(JdbcMessageStatusRepository.truncate(null)).isNull();
  }

  /** Fails every connection and counts the tries. */
  private static final class CountingDataSource implements DataSource {
    final AtomicInteger connections = new AtomicInteger();

    @Override
    public Connection getConnection() {
      connections.incrementAndGet();
      throw new IllegalStateException("no connection expected");
    }

    @Override
    public Connection getConnection(String username, String password) {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}

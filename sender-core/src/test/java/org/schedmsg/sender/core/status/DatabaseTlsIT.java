package org.schedmsg.sender.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.infra.testing.TlsPostgres;
import org.schedmsg.sender.core.config.SenderConfig;
import org.schedmsg.sender.core.retry.Decision;
import org.schedmsg.sender.core.testing.MessageRows;

/**
 * The sender against a PostgreSQL that accepts only TLS with client certificates: {@link
 * SenderConfig} turns the {@code DATABASE_SSL_*} settings into the JDBC URL every pool of the
 * sender uses, and the whole claim / record path, a recurring series' next occurrence included,
 * runs over {@code verify-full} as the sender role.
 */
class DatabaseTlsIT {
  private static final String DAILY_UTC = "{\"rrule\": \"FREQ=DAILY\", \"timezone\": \"UTC\"}";

  @Test
  void shouldClaimAndRecordOverTlsWhenSenderConfigHasSslSettings() {
    TlsPostgres postgres = TestInfrastructure.tlsPostgres();
    TestDatabase db = postgres.newDatabase();
    Map<String, String> env = new HashMap<>(postgres.settings(db.senderUser()));
    env.put("DATABASE_URL", db.jdbcUrl());
    env.put("DATABASE_USER", db.senderUser());
    env.put("DATABASE_PASSWORD", db.senderPassword());
    env.put("KAFKA_BOOTSTRAP_SERVERS", "unused:9092");
    SenderConfig config = SenderConfig.fromEnv(new Env(env), Platform.TELEGRAM);
    PGSimpleDataSource sender = new PGSimpleDataSource();
    sender.setURL(config.databaseUrl());
    sender.setUser(config.databaseUser());
    sender.setPassword(config.databasePassword());
    MessageStatusRepository repository = new JdbcMessageStatusRepository(sender, Platform.TELEGRAM);
    MessageRows rows = new MessageRows(db.dataSource());
    DeliveryRequest request =
        rows.insertRecurring(
            Platform.TELEGRAM,
            "4242",
            Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5),
            3600,
            DAILY_UTC);

    Claim claim = repository.claim(request, Duration.ofSeconds(30));
    assertThat(claim).isInstanceOf(Claim.Claimed.class);
    Claim.Claimed claimed = (Claim.Claimed) claim;
    boolean recorded =
        repository.record(
            new StatusWrite(
                Decision.Kind.SENT,
                request.messageId(),
                claimed.attemptId(),
                claimed.current().rowVersion(),
                claimed.attempt(),
                claimed.claimedAt(),
                "platform-42",
                Instant.now().truncatedTo(ChronoUnit.MICROS),
                false));

    assertThat(config.databaseUrl()).contains("sslmode=verify-full", "sslcert=", "sslkey=");
    assertThat(recorded).isTrue();
    assertThat(rows.read(request.messageId()).status()).isEqualTo("sent");
    assertThat(rows.following(request.messageId())).hasSize(1);
  }
}

package org.schedmsg.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.infra.testing.TlsPostgres;

/**
 * The ingestor against a PostgreSQL that accepts only TLS with client certificates ({@link
 * TlsPostgres}): given the {@code DATABASE_SSL_*} settings ({@code verify-full}, the CA, its
 * certificate and key), Debezium's WAL sender connection and snapshot run over TLS as the ingestor
 * role and the rows reach the topic.
 */
class DatabaseTlsIT {
  private IngestorFixture fixture;
  private final List<CdcIngestorService> services = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    services.forEach(CdcIngestorService::close);
    if (fixture != null) {
      fixture.dropSlot();
      fixture.close();
    }
  }

  @Test
  void shouldStreamChangesOverTlsWithClientCertificateWhenSslSettingsGiven() throws Exception {
    TlsPostgres postgres = TestInfrastructure.tlsPostgres();
    TestDatabase db = postgres.newDatabase();
    TestInfrastructure infra = TestInfrastructure.shared();
    fixture =
        new IngestorFixture(
            db.dataSource(),
            db.jdbcUrl(),
            db.ingestorUser(),
            db.ingestorPassword(),
            infra.bootstrapServers(),
            infra.newTopics(),
            TestInfrastructure.uniqueName("slot"));
    fixture.insertRows(10); // before the start: the snapshot reads them
    CdcIngestorConfig config = fixture.config(postgres.settings(db.ingestorUser()));
    assertThat(config.toDebeziumProperties())
        .containsEntry("database.sslmode", "verify-full")
        .containsKeys("database.sslrootcert", "database.sslcert", "database.sslkey");

    CdcIngestorService service = CdcIngestorService.start(config);
    services.add(service);
    service.awaitStreaming(IngestorFixture.TIMEOUT);
    fixture.insertRows(10); // streamed through the slot

    fixture.awaitKeys(fixture.rowIds());
    assertThat(fixture.receivedKeys()).hasSize(20);
    assertThat(walSenderTls(db)).isEqualTo("true /CN=" + db.ingestorUser());
  }

  /** Whether the ingestor's WAL sender uses TLS, and its client certificate's subject. */
  private static String walSenderTls(TestDatabase db) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT l.ssl, l.client_dn FROM pg_stat_ssl l"
                    + " JOIN pg_stat_activity a ON a.pid = l.pid"
                    + " WHERE a.backend_type = 'walsender' AND a.usename = '"
                    + db.ingestorUser()
                    + "' AND a.datname = '"
                    + db.name()
                    + "'")) {
      assertThat(rs.next()).as("a WAL sender serves the ingestor").isTrue();
      return rs.getBoolean(1) + " " + rs.getString(2);
    }
  }
}

package org.schedmsg.infra.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.config.DatabaseTls;
import org.schedmsg.infra.testing.TestCertificates;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.infra.testing.TlsPostgres;

/**
 * {@link LocalPostgres} with TLS ({@code hostssl} only, {@code scram-sha-256
 * clientcert=verify-full}): a service role connects with {@code verify-full} and its client
 * certificate; without TLS, with a CA that did not issue the server's certificate, without a client
 * certificate or with another role's, the connection is refused.
 */
class PostgresTlsIT {
  private static TlsPostgres postgres;
  private static TestCertificates certificates;
  private static TestDatabase db;

  @BeforeAll
  static void database() {
    postgres = TestInfrastructure.tlsPostgres();
    certificates = postgres.certificates();
    db = postgres.newDatabase();
  }

  @Test
  void shouldConnectOverTlsWithClientCertificateWhenServiceUsesVerifyFull() throws SQLException {
    try (Connection c =
            connect(postgres.jdbcUrl(db, db.senderUser()), db.senderUser(), db.senderPassword());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT ssl, version, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).isTrue();
      assertThat(rs.getString(2)).isIn("TLSv1.2", "TLSv1.3");
      assertThat(rs.getString(3)).isEqualTo("/CN=" + db.senderUser());
    }
  }

  @Test
  void shouldRefuseConnectionWhenClientDoesNotUseTls() {
    assertThat(
            refusal(
                db.jdbcUrl() + "?sslmode=disable", db.senderUser(), db.senderPassword(), "28000"))
        .contains("no encryption");
  }

  @Test
  void shouldRefuseServerWhenRootCertificateIsAnotherCa() {
    DatabaseTls wrongCa =
        new DatabaseTls(
            "verify-full",
            certificates.otherCaCertificate().toString(),
            certificates.clientCertificate(db.senderUser()).toString(),
            certificates.clientKey(db.senderUser()).toString(),
            null);
    String url = wrongCa.applyTo(db.jdbcUrl(), "url");

    assertThat(refusal(url, db.senderUser(), db.senderPassword(), "08006"))
        .containsIgnoringCase("ssl");
  }

  @Test
  void shouldRefuseLoginWhenClientSendsNoCertificate() {
    DatabaseTls noClientCertificate =
        new DatabaseTls("verify-full", certificates.caCertificate().toString(), null, null, null);
    // (pgjdbc would otherwise look for ~/.postgresql/postgresql.crt, which is not there)
    String url = noClientCertificate.applyTo(db.jdbcUrl(), "url");

    assertThat(refusal(url, db.senderUser(), db.senderPassword(), "28000")).contains("certificate");
  }

  @Test
  void shouldRefuseLoginWhenCertificateNamesAnotherRole() throws SQLException {
    String senderCertificate = postgres.jdbcUrl(db, db.senderUser());

    // the server tells the client no more than that authentication failed
    assertThat(refusal(senderCertificate, db.ingestorUser(), db.ingestorPassword(), "28P01"))
        .contains("authentication failed");
    // the same password with the role's own certificate is let in
    connect(postgres.jdbcUrl(db, db.ingestorUser()), db.ingestorUser(), db.ingestorPassword())
        .close();
  }

  @Test
  void shouldRefuseLoginWhenPasswordIsWrongDespiteCertificate() {
    refusal(postgres.jdbcUrl(db, db.senderUser()), db.senderUser(), "wrong-password", "28P01");
  }

  @Test
  void shouldAllowLogicalReplicationOnlyForIngestorAndPhysicalForNobodyWhenOverTls()
      throws SQLException {
    String logical = "&replication=database&assumeMinServerVersion=9.4&preferQueryMode=simple";
    String physical = "&replication=true&assumeMinServerVersion=9.4&preferQueryMode=simple";
    try (Connection c =
            connect(
                postgres.jdbcUrl(db, db.ingestorUser()) + logical,
                db.ingestorUser(),
                db.ingestorPassword());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
      assertThat(rs.next()).isTrue();
    }
    // logical replication matches the database's lines: the REPLICATION attribute decides
    assertThat(
            refusal(
                postgres.jdbcUrl(db, db.senderUser()) + logical,
                db.senderUser(),
                db.senderPassword(),
                "42501"))
        .contains("REPLICATION");
    // physical replication (a copy of the whole cluster) has no pg_hba line at all
    assertThat(
            refusal(
                postgres.jdbcUrl(db, db.ingestorUser()) + physical,
                db.ingestorUser(),
                db.ingestorPassword(),
                "28000"))
        .contains("replication connection");
  }

  private static Connection connect(String url, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    return DriverManager.getConnection(url, props);
  }

  /** The message of the refused connection, after checking its SQLSTATE. */
  private static String refusal(String url, String user, String password, String sqlState) {
    Throwable thrown = catchThrowable(() -> connect(url, user, password).close());
    assertThat(thrown).as("refused").isInstanceOf(SQLException.class);
    assertThat(((SQLException) thrown).getSQLState()).isEqualTo(sqlState);
    return thrown.getMessage();
  }
}

package org.schedmsg.infra.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.schedmsg.provisioning.Migrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL 17 for the local stack and the tests: logical decoding on (for the CDC
 * ingestor), {@code fsync} and {@code synchronous_commit} on (durable, and the WAL reaches Debezium
 * without waiting for the WAL writer).
 *
 * <p>Plaintext by default (the local stack, most tests); {@link #start(int, Path, PostgresTls)}
 * serves TLS only ({@code hostssl}): every role but the superuser then needs its password and a
 * client certificate whose CN is its name ({@code scram-sha-256 clientcert=verify-full}).
 */
public final class LocalPostgres implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

  private final EmbeddedPostgres postgres;

  private LocalPostgres(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Starts PostgreSQL on {@code port} (0 picks a free one). With a {@code dataDir} the data is kept
   * across restarts; null uses a fresh temporary directory.
   */
  public static LocalPostgres start(int port, Path dataDir) {
    return start(port, dataDir, null);
  }

  /**
   * As {@link #start(int, Path)}; with {@code tls} (null: plaintext) the server accepts only TLS
   * connections ({@code hostssl}), presents {@code tls.certificate()} and asks every client for a
   * certificate issued by {@code tls.clientCa()}.
   */
  public static LocalPostgres start(int port, Path dataDir, PostgresTls tls) {
    try {
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setServerConfig("wal_level", "logical")
              .setServerConfig("max_replication_slots", "20")
              .setServerConfig("max_wal_senders", "20")
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("max_connections", "200")
              .setPGStartupWait(java.time.Duration.ofSeconds(60));
      if (tls != null) {
        builder
            .setServerConfig("ssl", "on")
            .setServerConfig("ssl_cert_file", tls.certificate().toAbsolutePath().toString())
            .setServerConfig("ssl_key_file", tls.key().toAbsolutePath().toString())
            .setServerConfig("ssl_ca_file", tls.clientCa().toAbsolutePath().toString())
            .setServerConfig("ssl_min_protocol_version", "TLSv1.2");
      }
      if (port != 0) {
        builder.setPort(port);
      }
      if (dataDir != null) {
        builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
      }
      long started = System.nanoTime();
      EmbeddedPostgres postgres = builder.start();
      writeHba(postgres, tls == null ? PLAINTEXT_HBA : TLS_HBA);
      log.info(
          "PostgreSQL started on localhost:{} in {} ms ({})",
          postgres.getPort(),
          (System.nanoTime() - started) / 1_000_000,
          tls == null ? "plaintext" : "TLS only, client certificates required");
      return new LocalPostgres(postgres);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the embedded PostgreSQL", e);
    }
  }

  /**
   * The local stack's rules. initdb trusts every local connection; instead only the superuser (the
   * local owner, used by tests and the developer) and, for the CLI, the operator's and the upstream
   * role are trusted on loopback; the services prove their passwords as in production. There is no
   * {@code replication} line: the ingestor's logical replication connection matches the lines of
   * its database (and needs the REPLICATION attribute); a {@code replication} line would only open
   * physical replication, a copy of the whole cluster, which no service needs.
   */
  static final List<String> PLAINTEXT_HBA =
      List.of(
          "# written by LocalPostgres (plaintext, dev only): trusted owner and CLI roles on loopback",
          "local all postgres trust",
          "host all postgres 127.0.0.1/32 trust",
          "host all postgres ::1/128 trust",
          "host all " + DevCredentials.OPERATOR_USER + " 127.0.0.1/32 trust",
          "host all " + DevCredentials.OPERATOR_USER + " ::1/128 trust",
          "host all " + DevCredentials.UPSTREAM_USER + " 127.0.0.1/32 trust",
          "host all " + DevCredentials.UPSTREAM_USER + " ::1/128 trust",
          "local all all scram-sha-256",
          "host all all 127.0.0.1/32 scram-sha-256",
          "host all all ::1/128 scram-sha-256");

  /**
   * TLS only: no {@code host} line, so a connection without TLS finds no rule and is refused. The
   * superuser stays trusted (over TLS) for test setup; every other role gives its password and a
   * client certificate naming it. No physical replication, as above.
   */
  static final List<String> TLS_HBA =
      List.of(
          "# written by LocalPostgres (TLS only): hostssl, scram-sha-256 and a client certificate",
          "local all postgres trust",
          "hostssl all postgres 127.0.0.1/32 trust",
          "hostssl all postgres ::1/128 trust",
          "hostssl all all 127.0.0.1/32 scram-sha-256 clientcert=verify-full",
          "hostssl all all ::1/128 scram-sha-256 clientcert=verify-full");

  private static void writeHba(EmbeddedPostgres postgres, List<String> rules) {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      var rs = s.executeQuery("SHOW hba_file");
      rs.next();
      Path hba = Path.of(rs.getString(1));
      Files.writeString(hba, String.join("\n", rules) + "\n");
      s.execute("SELECT pg_reload_conf()");
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot write the access rules (pg_hba.conf)", e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + port() + "/" + database;
  }

  /** A data source on {@code database} as the superuser (the table owner). */
  public DataSource ownerDataSource(String database) {
    return postgres.getDatabase(DevCredentials.OWNER_USER, database);
  }

  /**
   * Creates {@code database} if it does not exist, applies the migrations, and lets the service
   * roles log in with the dev passwords.
   */
  public void prepareDatabase(String database) {
    try (Connection c = ownerDataSource("postgres").getConnection();
        Statement s = c.createStatement()) {
      if (!database.matches("[a-z_][a-z0-9_]*")) {
        throw new IllegalArgumentException("database name must be a plain identifier");
      }
      var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'");
      if (!rs.next()) {
        s.execute("CREATE DATABASE " + database);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + database, e);
    }
    Migrations.apply(ownerDataSource(database));
    enableDevLogins();
  }

  private void enableDevLogins() {
    try (Connection c = ownerDataSource("postgres").getConnection();
        Statement s = c.createStatement()) {
      enableLogin(s, DevCredentials.INGESTOR_USER, DevCredentials.INGESTOR_PASSWORD);
      enableLogin(s, DevCredentials.SENDER_USER, DevCredentials.SENDER_PASSWORD);
      enableLogin(s, DevCredentials.OPERATOR_USER, DevCredentials.OPERATOR_PASSWORD);
      enableLogin(s, DevCredentials.UPSTREAM_USER, DevCredentials.UPSTREAM_PASSWORD);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot enable the dev logins of the service roles", e);
    }
  }

  private static void enableLogin(Statement s, String role, String password) throws SQLException {
    s.execute("ALTER ROLE " + role + " LOGIN PASSWORD '" + password + "'");
  }

  @Override
  public void close() {
    try {
      postgres.close();
      log.info("PostgreSQL stopped");
    } catch (IOException e) {
      throw new IllegalStateException("cannot stop the embedded PostgreSQL", e);
    }
  }
}

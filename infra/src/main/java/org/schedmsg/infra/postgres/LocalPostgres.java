package org.schedmsg.infra.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL 17 for the local stack and the tests: logical decoding on (for the CDC
 * ingestor), {@code fsync} and {@code synchronous_commit} on (durable, and the WAL reaches Debezium
 * without waiting for the WAL writer).
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
      if (port != 0) {
        builder.setPort(port);
      }
      if (dataDir != null) {
        builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
      }
      long started = System.nanoTime();
      EmbeddedPostgres postgres = builder.start();
      requirePasswordsForServiceRoles(postgres);
      log.info(
          "PostgreSQL started on localhost:{} in {} ms",
          postgres.getPort(),
          (System.nanoTime() - started) / 1_000_000);
      return new LocalPostgres(postgres);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the embedded PostgreSQL", e);
    }
  }

  /**
   * initdb trusts every local connection; the service roles must prove their passwords like in
   * production. Only the superuser (the local owner, used by tests and the developer) stays
   * trusted.
   */
  private static void requirePasswordsForServiceRoles(EmbeddedPostgres postgres) {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      var rs = s.executeQuery("SHOW hba_file");
      rs.next();
      Path hba = Path.of(rs.getString(1));
      Files.writeString(
          hba,
          String.join(
              "\n",
              "# written by LocalPostgres: the superuser is trusted on loopback, others use passwords",
              "local all postgres trust",
              "host all postgres 127.0.0.1/32 trust",
              "host all postgres ::1/128 trust",
              "local all all scram-sha-256",
              "host all all 127.0.0.1/32 scram-sha-256",
              "host all all ::1/128 scram-sha-256",
              "local replication all scram-sha-256",
              "host replication all 127.0.0.1/32 scram-sha-256",
              "host replication all ::1/128 scram-sha-256",
              ""));
      s.execute("SELECT pg_reload_conf()");
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot require passwords of the service roles", e);
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
      s.execute(
          "ALTER ROLE "
              + DevCredentials.INGESTOR_USER
              + " LOGIN PASSWORD '"
              + DevCredentials.INGESTOR_PASSWORD
              + "'");
      s.execute(
          "ALTER ROLE "
              + DevCredentials.SENDER_USER
              + " LOGIN PASSWORD '"
              + DevCredentials.SENDER_PASSWORD
              + "'");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot enable the dev logins of the service roles", e);
    }
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

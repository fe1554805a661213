package org.schedmsg.infra.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.schedmsg.infra.postgres.DevCredentials;
import org.schedmsg.infra.postgres.LocalPostgres;

/**
 * The JVM's PostgreSQL that accepts TLS only ({@code hostssl}; every role but the superuser gives
 * its password and a client certificate naming it), with {@link TestCertificates} made at its start
 * for the sender, ingestor and operator roles. Started on first use ({@link
 * TestInfrastructure#tlsPostgres()}), stopped when the JVM exits; the shared plaintext PostgreSQL
 * stays what the other tests use.
 */
public final class TlsPostgres {
  /** The roles that get a client certificate. */
  public static final List<String> CLIENT_ROLES =
      List.of(
          DevCredentials.SENDER_USER, DevCredentials.INGESTOR_USER, DevCredentials.OPERATOR_USER);

  private static volatile TlsPostgres shared;

  private final LocalPostgres postgres;
  private final TestCertificates certificates;

  private TlsPostgres(LocalPostgres postgres, TestCertificates certificates) {
    this.postgres = postgres;
    this.certificates = certificates;
  }

  static synchronized TlsPostgres shared() {
    if (shared == null) {
      TestCertificates certificates;
      try {
        certificates =
            TestCertificates.create(Files.createTempDirectory("schedmsg-pg-tls"), CLIENT_ROLES);
      } catch (IOException e) {
        throw new IllegalStateException("cannot make a directory for the TLS material", e);
      }
      LocalPostgres postgres = LocalPostgres.start(0, null, certificates.server());
      shared = new TlsPostgres(postgres, certificates);
      Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "tls-postgres-stop"));
    }
    return shared;
  }

  public LocalPostgres postgres() {
    return postgres;
  }

  public TestCertificates certificates() {
    return certificates;
  }

  /** A new migrated database; its {@code jdbcUrl} has no TLS parameters (add a role's). */
  public TestDatabase newDatabase() {
    String name = "tls_" + UUID.randomUUID().toString().substring(0, 8);
    postgres.prepareDatabase(name);
    return new TestDatabase(name, postgres.jdbcUrl(name));
  }

  /** {@code db}'s URL with {@code role}'s TLS settings: verify-full, its certificate and key. */
  public String jdbcUrl(TestDatabase db, String role) {
    return certificates.tls(role).applyTo(db.jdbcUrl(), "jdbcUrl");
  }

  /** {@code role}'s {@code DATABASE_SSL_*} settings, to put in a service's environment. */
  public Map<String, String> settings(String role) {
    return certificates.settings(role);
  }
}

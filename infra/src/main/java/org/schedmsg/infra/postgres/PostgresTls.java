package org.schedmsg.infra.postgres;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The TLS material of a {@link LocalPostgres} started with TLS: the server's certificate (PEM, for
 * {@code localhost} and {@code 127.0.0.1}), its key (PEM, readable by its owner only, as PostgreSQL
 * demands) and the CA certificate(s) client certificates must chain to. Dev and tests only: the
 * tests make the material with the JDK's {@code keytool}.
 */
public record PostgresTls(Path certificate, Path key, Path clientCa) {
  public PostgresTls {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(clientCa, "clientCa");
  }
}

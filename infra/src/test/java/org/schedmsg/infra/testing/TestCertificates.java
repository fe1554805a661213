package org.schedmsg.infra.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.schedmsg.contracts.config.DatabaseTls;
import org.schedmsg.infra.postgres.PostgresTls;

/**
 * TLS material for a PostgreSQL test, made with the JDK's {@code keytool} (no extra dependency): a
 * CA, a server certificate for {@code localhost} and {@code 127.0.0.1} issued by it, a client
 * certificate per role (CN = the role's name, as {@code clientcert=verify-full} demands), and a
 * second, unrelated CA for refusal tests. Keys are EC P-256: the server's as PKCS-8 PEM (mode 600),
 * the clients' as PKCS-8 DER ({@code .pk8}), the formats PostgreSQL and pgjdbc read.
 *
 * @param caCertificate the CA that issued the server's and the clients' certificates (PEM)
 * @param otherCaCertificate a CA that issued nothing here (PEM): trusting it must fail
 */
public record TestCertificates(
    Path dir, Path caCertificate, Path otherCaCertificate, PostgresTls server) {
  private static final String PASSWORD_VARIABLE = "TEST_CERTIFICATES_STORE_PASSWORD";
  private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

  /** Makes the material in {@code dir} (created if needed) with a client certificate per role. */
  public static TestCertificates create(Path dir, List<String> clientRoles) {
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    String password = HexFormat.of().formatHex(random);
    Path store = dir.resolve("material.p12");
    try {
      Files.createDirectories(dir);
      Keytool keytool = new Keytool(store, password);
      keytool.run("-genkeypair", "-alias", "ca", "-dname", "CN=schedmsg test CA", "-ext", "bc:c");
      keytool.run("-genkeypair", "-alias", "other-ca", "-dname", "CN=other CA", "-ext", "bc:c");
      keytool.signed("server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
      for (String role : clientRoles) {
        keytool.signed(role, "CN=" + role, null);
      }
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keyStore.load(in, password.toCharArray());
      }
      TestCertificates material =
          new TestCertificates(
              dir,
              dir.resolve("ca.pem"),
              dir.resolve("other-ca.pem"),
              new PostgresTls(
                  dir.resolve("server.crt"), dir.resolve("server.key"), dir.resolve("ca.pem")));
      writePem(material.caCertificate(), "CERTIFICATE", certificate(keyStore, "ca"));
      writePem(material.otherCaCertificate(), "CERTIFICATE", certificate(keyStore, "other-ca"));
      writePem(material.server().certificate(), "CERTIFICATE", certificate(keyStore, "server"));
      writePem(material.server().key(), "PRIVATE KEY", privateKey(keyStore, "server", password));
      for (String role : clientRoles) {
        writePem(material.clientCertificate(role), "CERTIFICATE", certificate(keyStore, role));
        Files.write(material.clientKey(role), privateKey(keyStore, role, password));
        ownerOnly(material.clientKey(role));
      }
      ownerOnly(material.server().key());
      Files.delete(store);
      return material;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the test TLS material in " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making the test TLS material", e);
    }
  }

  public Path clientCertificate(String role) {
    return dir.resolve(role + ".crt");
  }

  public Path clientKey(String role) {
    return dir.resolve(role + ".pk8");
  }

  /** The {@code DATABASE_SSL_*} settings of {@code role}: verify-full, its certificate and key. */
  public Map<String, String> settings(String role) {
    return Map.of(
        DatabaseTls.SSL_MODE, "verify-full",
        DatabaseTls.SSL_ROOT_CERT, caCertificate.toString(),
        DatabaseTls.SSL_CERT, clientCertificate(role).toString(),
        DatabaseTls.SSL_KEY, clientKey(role).toString());
  }

  /** The same settings as {@link DatabaseTls}. */
  public DatabaseTls tls(String role) {
    return new DatabaseTls(
        "verify-full",
        caCertificate.toString(),
        clientCertificate(role).toString(),
        clientKey(role).toString(),
        null);
  }

  private static byte[] certificate(KeyStore keyStore, String alias)
      throws GeneralSecurityException {
    Certificate certificate = keyStore.getCertificate(alias);
    if (certificate == null) {
      throw new GeneralSecurityException("no certificate " + alias);
    }
    return certificate.getEncoded();
  }

  private static byte[] privateKey(KeyStore keyStore, String alias, String password)
      throws GeneralSecurityException {
    return keyStore.getKey(alias, password.toCharArray()).getEncoded(); // PKCS-8
  }

  private static void writePem(Path file, String type, byte[] der) throws IOException {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(
        file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }

  private static void ownerOnly(Path file) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  /** {@code keytool} on one PKCS#12 store, EC P-256 keys, 30 days. */
  private record Keytool(Path store, String password) {
    void signed(String alias, String dname, String subjectAlternativeNames)
        throws IOException, InterruptedException {
      List<String> arguments =
          new ArrayList<>(
              List.of(
                  "-genkeypair",
                  "-alias",
                  alias,
                  "-dname",
                  dname,
                  "-signer",
                  "ca",
                  "-signerkeypass:env",
                  PASSWORD_VARIABLE));
      if (subjectAlternativeNames != null) {
        arguments.addAll(List.of("-ext", subjectAlternativeNames));
      }
      run(arguments.toArray(String[]::new));
    }

    void run(String... arguments) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
      command.addAll(List.of(arguments));
      command.addAll(
          List.of(
              "-keyalg",
              "EC",
              "-groupname",
              "secp256r1",
              "-validity",
              "30",
              "-keystore",
              store.toString(),
              "-storetype",
              "PKCS12",
              "-storepass:env",
              PASSWORD_VARIABLE,
              "-keypass:env",
              PASSWORD_VARIABLE));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put(PASSWORD_VARIABLE, password);
      Process process = builder.start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("keytool " + arguments[0] + " did not finish");
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            "keytool " + arguments[0] + " failed: " + new String(output, StandardCharsets.UTF_8));
      }
    }
  }
}

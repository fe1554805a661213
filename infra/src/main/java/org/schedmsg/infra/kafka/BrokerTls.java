package org.schedmsg.infra.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The local broker's TLS material, made with the JDK's {@code keytool}: a self-signed certificate
 * for {@code localhost} and {@code 127.0.0.1} with its key in a PKCS#12 key store, and the
 * certificate alone as PEM (the clients' trust store, {@code ssl.truststore.type=PEM}). Dev and
 * tests only: nothing but the clients handed out by {@link LocalKafka} trusts it.
 *
 * @param keyStore the broker's key store (PKCS#12)
 * @param keyStorePassword the key store's (and key's) password
 * @param certificate the certificate clients trust (PEM)
 */
record BrokerTls(Path keyStore, String keyStorePassword, Path certificate) {
  private static final String ALIAS = "localkafka";
  private static final String PASSWORD_VARIABLE = "LOCAL_KAFKA_STORE_PASSWORD";
  private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

  @Override
  public String toString() {
    return "BrokerTls[keyStore=" + keyStore + ", certificate=" + certificate + ']';
  }

  /** The material in {@code dir}, made there first if it is not yet. */
  static BrokerTls in(Path dir, String keyStorePassword) {
    BrokerTls tls =
        new BrokerTls(dir.resolve("broker.p12"), keyStorePassword, dir.resolve("ca.pem"));
    if (!Files.exists(tls.keyStore()) || !Files.exists(tls.certificate())) {
      tls.generate();
    }
    return tls;
  }

  private void generate() {
    try {
      Files.deleteIfExists(keyStore);
      Files.deleteIfExists(certificate);
      keytool(
          "-genkeypair",
          "-alias",
          ALIAS,
          "-keyalg",
          "EC",
          "-groupname",
          "secp256r1",
          "-dname",
          "CN=localhost",
          "-ext",
          "SAN=dns:localhost,ip:127.0.0.1",
          "-validity",
          "365",
          "-keystore",
          keyStore.toString(),
          "-storetype",
          "PKCS12",
          "-storepass:env",
          PASSWORD_VARIABLE,
          "-keypass:env",
          PASSWORD_VARIABLE);
      keytool(
          "-exportcert",
          "-rfc",
          "-alias",
          ALIAS,
          "-keystore",
          keyStore.toString(),
          "-storetype",
          "PKCS12",
          "-storepass:env",
          PASSWORD_VARIABLE,
          "-file",
          certificate.toString());
    } catch (IOException e) {
      throw new IllegalStateException("cannot make the local broker's TLS certificate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making the TLS certificate", e);
    }
  }

  private void keytool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put(PASSWORD_VARIABLE, keyStorePassword);
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("keytool " + arguments[0] + " did not finish");
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "keytool "
              + arguments[0]
              + " failed: "
              + new String(output, StandardCharsets.UTF_8).strip());
    }
  }
}

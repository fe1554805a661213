package org.schedmsg.infra.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.schedmsg.contracts.config.KafkaClientSettings;

/**
 * The SASL_SSL set-up of a secure {@link LocalKafka}, as the verified recipe in the shared stack
 * notes: clients on {@code EXTERNAL} (SASL_SSL, SCRAM-SHA-512), the broker to itself on {@code
 * INTERNAL} (SASL_PLAINTEXT, SCRAM-SHA-512) and to its controller on {@code CONTROLLER}
 * (SASL_PLAINTEXT, PLAIN); ACLs by KRaft's {@code StandardAuthorizer}, denying whatever no ACL
 * allows. The super users are {@value #BROKER_USER} and {@value #ADMIN_USER}; their passwords and
 * the key store's are made once per data directory and kept in it (dev only, mode 600).
 */
final class BrokerSecurity {
  static final String BROKER_USER = "broker";
  static final String ADMIN_USER = "admin";
  static final String EXTERNAL = "EXTERNAL";
  static final String INTERNAL = "INTERNAL";
  static final String MECHANISM = "SCRAM-SHA-512";

  private static final String SCRAM_MODULE =
      "org.apache.kafka.common.security.scram.ScramLoginModule";
  private static final String PLAIN_MODULE =
      "org.apache.kafka.common.security.plain.PlainLoginModule";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final BrokerTls tls;
  private final String brokerPassword;
  private final String adminPassword;

  private BrokerSecurity(BrokerTls tls, String brokerPassword, String adminPassword) {
    this.tls = tls;
    this.brokerPassword = brokerPassword;
    this.adminPassword = adminPassword;
  }

  /** The credentials and TLS material kept in {@code dir}, made on first use. */
  static BrokerSecurity in(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("credentials.properties");
    Properties credentials = new Properties();
    if (Files.exists(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        credentials.load(in);
      }
    } else {
      credentials.setProperty("broker.password", randomSecret());
      credentials.setProperty("admin.password", randomSecret());
      credentials.setProperty("keystore.password", randomSecret());
      try (OutputStream out = Files.newOutputStream(file)) {
        credentials.store(out, "local Kafka broker, dev only");
      }
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
    }
    return new BrokerSecurity(
        BrokerTls.in(dir, credentials.getProperty("keystore.password")),
        credentials.getProperty("broker.password"),
        credentials.getProperty("admin.password"));
  }

  /** A password of 32 URL-safe characters (nothing to quote in a JAAS line). */
  static String randomSecret() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Listeners, SASL, TLS and the authorizer, on top of the plaintext broker's properties. */
  void configure(Properties p, int externalPort, int internalPort, int controllerPort) {
    String controller = LocalKafka.CONTROLLER_LISTENER;
    p.put(
        "listeners",
        String.format(
            "%s://localhost:%d,%s://localhost:%d,%s://localhost:%d",
            EXTERNAL, externalPort, INTERNAL, internalPort, controller, controllerPort));
    p.put(
        "advertised.listeners",
        String.format(
            "%s://localhost:%d,%s://localhost:%d", EXTERNAL, externalPort, INTERNAL, internalPort));
    p.put(
        "listener.security.protocol.map",
        EXTERNAL + ":SASL_SSL," + INTERNAL + ":SASL_PLAINTEXT," + controller + ":SASL_PLAINTEXT");
    p.put("inter.broker.listener.name", INTERNAL);
    p.put("sasl.enabled.mechanisms", MECHANISM);
    p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    p.put(
        "listener.name.controller.plain.sasl.jaas.config",
        PLAIN_MODULE
            + " required "
            + credentials(BROKER_USER, brokerPassword)
            + " user_"
            + BROKER_USER
            + "=\""
            + brokerPassword
            + "\";");
    p.put(
        "listener.name.internal.scram-sha-512.sasl.jaas.config",
        SCRAM_MODULE + " required " + credentials(BROKER_USER, brokerPassword) + ";");
    p.put("listener.name.external.scram-sha-512.sasl.jaas.config", SCRAM_MODULE + " required;");
    p.put("listener.name.external.ssl.keystore.type", "PKCS12");
    p.put("listener.name.external.ssl.keystore.location", tls.keyStore().toString());
    p.put("listener.name.external.ssl.keystore.password", tls.keyStorePassword());
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("super.users", "User:" + BROKER_USER + ";User:" + ADMIN_USER);
    p.put("allow.everyone.if.no.acl.found", "false");
  }

  /** The super users' SCRAM credentials, written into the metadata log when it is formatted. */
  List<String> scramArguments() {
    return List.of(
        MECHANISM + "=[name=" + BROKER_USER + ",password=" + brokerPassword + "]",
        MECHANISM + "=[name=" + ADMIN_USER + ",password=" + adminPassword + "]");
  }

  KafkaClientSettings adminSettings() {
    return clientSettings(ADMIN_USER, adminPassword);
  }

  /** What a client of {@code user} needs: SASL_SSL, SCRAM-SHA-512, trust in the certificate. */
  KafkaClientSettings clientSettings(String user, String password) {
    return KafkaClientSettings.of(
        Map.of(
            "security.protocol",
            "SASL_SSL",
            "sasl.mechanism",
            MECHANISM,
            "sasl.jaas.config",
            SCRAM_MODULE + " required " + credentials(user, password) + ";",
            "ssl.truststore.type",
            "PEM",
            "ssl.truststore.location",
            tls.certificate().toString()));
  }

  /** TLS to the broker and nothing else: no credentials (the broker must refuse it). */
  KafkaClientSettings tlsWithoutCredentials() {
    return KafkaClientSettings.of(
        Map.of(
            "security.protocol", "SSL",
            "ssl.truststore.type", "PEM",
            "ssl.truststore.location", tls.certificate().toString()));
  }

  private static String credentials(String user, String password) {
    return "username=\"" + user + "\" password=\"" + password + "\"";
  }

  @Override
  public String toString() {
    return "BrokerSecurity[" + tls + ", users=" + BROKER_USER + "," + ADMIN_USER + ']';
  }
}

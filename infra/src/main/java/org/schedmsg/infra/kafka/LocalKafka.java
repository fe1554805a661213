package org.schedmsg.infra.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker in this JVM, for the local stack and the tests. Its log
 * directory is formatted on first start (with a new cluster id) and kept when a directory is given:
 * a later start on it reuses the cluster id in its {@code meta.properties} and formats nothing, so
 * a local stack keeps its topics and records across restarts.
 *
 * <p>{@link #start} serves PLAINTEXT without authentication (the local stack). {@link #startSecure}
 * serves clients SASL_SSL only (SCRAM-SHA-512 over TLS with a certificate made at first start),
 * with ACLs enforced and nothing allowed that no ACL allows: tests create a SCRAM user per service
 * principal ({@link #createUser}), grant it its ACLs ({@link #grant}, {@link ServiceAcls}) and hand
 * its client settings to the service.
 */
public final class LocalKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaRaftServer server;
  private final int port;
  private final BrokerSecurity security;

  private LocalKafka(KafkaRaftServer server, int port, BrokerSecurity security) {
    this.server = server;
    this.port = port;
    this.security = security;
  }

  /**
   * Starts a PLAINTEXT broker on {@code port} (0 picks a free one) with its data in {@code dataDir}
   * (null for a temporary directory). A fixed port puts the KRaft controller on {@code port + 1}.
   */
  public static LocalKafka start(int port, Path dataDir) {
    return start(port, dataDir, false);
  }

  /**
   * Starts a broker whose clients must use SASL_SSL, on {@code port} (0 picks a free one), with
   * {@code dataDir} (null for a temporary directory) holding the log in {@code log/} and the TLS
   * material and super users' passwords in {@code security/}. A fixed port puts the controller on
   * {@code port + 1} and the broker's own listener on {@code port + 2}.
   */
  public static LocalKafka startSecure(int port, Path dataDir) {
    return start(port, dataDir, true);
  }

  private static LocalKafka start(int port, Path dataDir, boolean secure) {
    try {
      int brokerPort = port == 0 ? freePort() : port;
      int controllerPort = port == 0 ? freePort() : port + 1;
      Path dir = dataDir != null ? dataDir : Files.createTempDirectory("schedmsg-kafka");
      BrokerSecurity security = secure ? BrokerSecurity.in(dir.resolve("security")) : null;
      Path logDir = secure ? dir.resolve("log") : dir;
      Files.createDirectories(logDir);
      Properties props = brokerProperties(brokerPort, controllerPort, logDir);
      if (security != null) {
        security.configure(props, brokerPort, port == 0 ? freePort() : port + 2, controllerPort);
      }
      KafkaConfig config = KafkaConfig.fromProps(props, false);
      format(logDir, security == null ? List.of() : security.scramArguments());
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      long started = System.nanoTime();
      try {
        server.startup();
      } catch (RuntimeException e) {
        server.shutdown();
        throw e;
      }
      log.info(
          "Kafka broker started on localhost:{} ({}) in {} ms (data {})",
          brokerPort,
          secure ? "SASL_SSL, ACLs" : "PLAINTEXT",
          (System.nanoTime() - started) / 1_000_000,
          dir);
      return new LocalKafka(server, brokerPort, security);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the local Kafka broker", e);
    }
  }

  static Properties brokerProperties(int brokerPort, int controllerPort, Path dir) {
    Properties p = new Properties();
    p.put("node.id", "1");
    p.put("process.roles", "broker,controller");
    p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dir.toAbsolutePath().toString());
    p.put("num.partitions", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.cleaner.dedupe.buffer.size", "4194304");
    p.put("auto.create.topics.enable", "false");
    return p;
  }

  /**
   * Formats {@code dir} if it is empty. A directory formatted by an earlier start keeps its {@code
   * meta.properties} and the cluster id in it: the broker refuses to start on a log directory whose
   * cluster id differs from the one it is given.
   */
  private static void format(Path dir, List<String> scramArguments) throws Exception {
    String directory = dir.toAbsolutePath().toString();
    Optional<String> existing = existingClusterId(dir);
    new Formatter()
        .setScramArguments(scramArguments)
        .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
        .setNodeId(1)
        .setClusterId(existing.orElseGet(() -> Uuid.randomUuid().toString()))
        .addDirectory(directory)
        .setMetadataLogDirectory(directory)
        .setControllerListenerName(CONTROLLER_LISTENER)
        .setReleaseVersion(MetadataVersion.latestProduction())
        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
        .setIgnoreFormatted(true)
        .run();
    if (existing.isPresent()) {
      log.info("Kafka log directory {} already formatted (cluster {}); kept", dir, existing.get());
    }
  }

  /** The cluster id in {@code dir}'s {@code meta.properties}, if an earlier start formatted it. */
  static Optional<String> existingClusterId(Path dir) throws IOException {
    String directory = dir.toAbsolutePath().toString();
    MetaPropertiesEnsemble ensemble =
        new MetaPropertiesEnsemble.Loader()
            .addLogDirs(List.of(directory))
            .addMetadataLogDir(directory)
            .load();
    if (!ensemble.errorLogDirs().isEmpty()) {
      throw new IOException("cannot read meta.properties in " + directory);
    }
    return ensemble.clusterId();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  public String bootstrapServers() {
    return "localhost:" + port;
  }

  /** Whether clients must use SASL_SSL ({@link #startSecure}). */
  public boolean secure() {
    return security != null;
  }

  /** The client settings of a super user: SASL_SSL as {@code admin}, or none for PLAINTEXT. */
  public KafkaClientSettings adminSettings() {
    return security == null ? KafkaClientSettings.none() : security.adminSettings();
  }

  /** The client settings of {@code user} with {@code password} (SASL_SSL, SCRAM-SHA-512). */
  public KafkaClientSettings clientSettings(String user, String password) {
    return requireSecure().clientSettings(user, password);
  }

  /** TLS with the broker's certificate trusted but no credentials: the broker refuses it. */
  public KafkaClientSettings settingsWithoutCredentials() {
    return requireSecure().tlsWithoutCredentials();
  }

  /**
   * Creates the SCRAM-SHA-512 user {@code user} with a new random password (or gives an existing
   * one a new password) and returns its client settings; it may do nothing until {@link #grant}ed.
   */
  public KafkaClientSettings createUser(String user) {
    BrokerSecurity secure = requireSecure();
    String password = BrokerSecurity.randomSecret();
    try (Admin admin = admin()) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
          .all()
          .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      awaitBroker(
          "user " + user,
          () -> !admin.describeUserScramCredentials(List.of(user)).all().get().isEmpty());
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create the Kafka user " + user, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the Kafka user " + user, e);
    }
    return secure.clientSettings(user, password);
  }

  /** Creates {@code acls} and returns once the broker enforces them. */
  public void grant(Collection<AclBinding> acls) {
    requireSecure();
    try (Admin admin = admin()) {
      admin.createAcls(acls).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      for (AclBinding acl : acls) {
        awaitBroker(
            "ACL " + acl, () -> !admin.describeAcls(acl.toFilter()).values().get().isEmpty());
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create ACLs", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating ACLs", e);
    }
  }

  private Admin admin() {
    return Admin.create(
        adminSettings()
            .clientProperties(
                "local broker admin",
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers())));
  }

  /** Polls {@code visible} until the broker (not only the controller) answers true. */
  private static void awaitBroker(String what, Callable<Boolean> visible)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
    while (true) {
      try {
        if (visible.call()) {
          return;
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        log.debug("{} not yet visible on the broker", what, e);
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(what + " not visible on the broker within " + ADMIN_TIMEOUT);
      }
      Thread.sleep(20);
    }
  }

  private BrokerSecurity requireSecure() {
    if (security == null) {
      throw new IllegalStateException("a PLAINTEXT broker has no users; use startSecure");
    }
    return security;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    log.info("Kafka broker on localhost:{} stopped", port);
  }
}

package org.schedmsg.infra.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker in this JVM, for the local stack and the tests. Its log
 * directory is formatted on first start (with a new cluster id) and kept when a directory is given:
 * a later start on it reuses the cluster id in its {@code meta.properties} and formats nothing, so
 * a local stack keeps its topics and records across restarts.
 */
public final class LocalKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);
  private static final String CONTROLLER_LISTENER = "CONTROLLER";

  private final KafkaRaftServer server;
  private final int port;

  private LocalKafka(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Starts a broker on {@code port} (0 picks a free one) with its data in {@code dataDir} (null for
   * a temporary directory). A fixed port puts the KRaft controller on {@code port + 1}.
   */
  public static LocalKafka start(int port, Path dataDir) {
    try {
      int brokerPort = port == 0 ? freePort() : port;
      int controllerPort = port == 0 ? freePort() : port + 1;
      Path dir = dataDir != null ? dataDir : Files.createTempDirectory("schedmsg-kafka");
      Files.createDirectories(dir);
      Properties props = brokerProperties(brokerPort, controllerPort, dir);
      KafkaConfig config = KafkaConfig.fromProps(props, false);
      format(dir);
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      long started = System.nanoTime();
      server.startup();
      log.info(
          "Kafka broker started on localhost:{} in {} ms (data {})",
          brokerPort,
          (System.nanoTime() - started) / 1_000_000,
          dir);
      return new LocalKafka(server, brokerPort);
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
  private static void format(Path dir) throws Exception {
    String directory = dir.toAbsolutePath().toString();
    Optional<String> existing = existingClusterId(dir);
    new Formatter()
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

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    log.info("Kafka broker on localhost:{} stopped", port);
  }
}

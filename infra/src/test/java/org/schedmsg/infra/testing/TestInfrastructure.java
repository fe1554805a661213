package org.schedmsg.infra.testing;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.schedmsg.contracts.Topics;
import org.schedmsg.infra.kafka.LocalKafka;
import org.schedmsg.infra.postgres.LocalPostgres;
import org.schedmsg.provisioning.TopicProvisioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * One PostgreSQL and one Kafka broker per test JVM, shared by all integration tests; each test
 * takes its own database ({@link #newDatabase()}) and its own topics ({@link #newTopics()}).
 *
 * <p>The broker is Testcontainers' Kafka where a Docker engine answers, the in-JVM KRaft broker
 * otherwise. {@code -Dschedmsg.test.kafka=local} or {@code =testcontainers} forces one.
 *
 * <p>Tests of security take {@link #secureKafka()} instead: a second, in-JVM broker whose clients
 * must use SASL_SSL and whose ACLs deny what they do not allow; {@link #newTopics(LocalKafka)}
 * creates a namespace's topics on it as its administrator.
 */
public final class TestInfrastructure {
  private static final Logger log = LoggerFactory.getLogger(TestInfrastructure.class);
  private static final String KAFKA_IMAGE = "apache/kafka:4.0.0";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static volatile TestInfrastructure shared;
  private static volatile LocalKafka secureKafka;

  private final LocalPostgres postgres;
  private final String bootstrapServers;

  private TestInfrastructure(LocalPostgres postgres, String bootstrapServers) {
    this.postgres = postgres;
    this.bootstrapServers = bootstrapServers;
  }

  /** The JVM's shared infrastructure, started on first use and stopped when the JVM exits. */
  public static synchronized TestInfrastructure shared() {
    if (shared == null) {
      LocalPostgres postgres = LocalPostgres.start(0, null);
      AutoCloseable broker = startBroker();
      String bootstrap =
          broker instanceof KafkaContainer c
              ? c.getBootstrapServers()
              : ((LocalKafka) broker).bootstrapServers();
      shared = new TestInfrastructure(postgres, bootstrap);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    closeQuietly(broker);
                    closeQuietly(postgres);
                  },
                  "test-infrastructure-stop"));
    }
    return shared;
  }

  /**
   * The JVM's SASL_SSL broker (SCRAM-SHA-512, TLS with a certificate made at its start, ACLs with
   * {@code allow.everyone.if.no.acl.found=false}), started on first use and stopped when the JVM
   * exits. Create a user per service principal and grant it its {@code ServiceAcls}.
   */
  public static synchronized LocalKafka secureKafka() {
    if (secureKafka == null) {
      LocalKafka broker = LocalKafka.startSecure(0, null);
      secureKafka = broker;
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> closeQuietly(broker), "secure-kafka-stop"));
    }
    return secureKafka;
  }

  /**
   * The JVM's TLS-only PostgreSQL (hostssl, client certificates, {@link TestCertificates} made at
   * its start), started on first use and stopped when the JVM exits.
   */
  public static TlsPostgres tlsPostgres() {
    return TlsPostgres.shared();
  }

  /** A new topic namespace with all topics created on {@code broker} by its administrator. */
  public static Topics newTopics(LocalKafka broker) {
    Topics topics = Topics.of("t" + SEQUENCE.incrementAndGet() + "-" + shortId());
    new TopicProvisioner(broker.bootstrapServers(), broker.adminSettings(), (short) 1)
        .provision(topics);
    return topics;
  }

  private static AutoCloseable startBroker() {
    String choice = System.getProperty("schedmsg.test.kafka", "auto");
    boolean docker =
        switch (choice) {
          case "local" -> false;
          case "testcontainers" -> true;
          default -> DockerClientFactory.instance().isDockerAvailable();
        };
    if (docker) {
      KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
      container.start();
      log.info("test broker: Testcontainers {}", KAFKA_IMAGE);
      return container;
    }
    log.info("test broker: local KRaft broker (no Docker engine)");
    return LocalKafka.start(0, null);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("stopping test infrastructure failed", e);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public LocalPostgres postgres() {
    return postgres;
  }

  /** A new database with the schema from the real migrations. */
  public TestDatabase newDatabase() {
    String name = "test_" + SEQUENCE.incrementAndGet() + "_" + shortId();
    postgres.prepareDatabase(name);
    return new TestDatabase(name, postgres.jdbcUrl(name));
  }

  /** A new, empty database (no schema): for tests of the migration job itself. */
  public TestDatabase newEmptyDatabase() {
    String name = "empty_" + SEQUENCE.incrementAndGet() + "_" + shortId();
    try (var connection = postgres.ownerDataSource("postgres").getConnection();
        var statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return new TestDatabase(name, postgres.jdbcUrl(name));
  }

  /** A new topic namespace whose topics are not created. */
  public static Topics newNamespace() {
    return Topics.of("t" + SEQUENCE.incrementAndGet() + "-" + shortId());
  }

  /** A new topic namespace with all topics created. */
  public Topics newTopics() {
    Topics topics = Topics.of("t" + SEQUENCE.incrementAndGet() + "-" + shortId());
    new TopicProvisioner(bootstrapServers, (short) 1).provision(topics);
    return topics;
  }

  /** A unique name for an application id, consumer group or replication slot. */
  public static String uniqueName(String prefix) {
    return prefix + "_" + SEQUENCE.incrementAndGet() + "_" + shortId();
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}

package org.schedmsg.infra.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.schedmsg.contracts.Topics;
import org.schedmsg.infra.kafka.LocalKafka;
import org.schedmsg.infra.postgres.LocalPostgres;

/**
 * A PostgreSQL and a Kafka broker of one test's own, on fixed ports with their data kept in {@code
 * dir}, so that the test can stop either under a running service and start it again where it was
 * (the shared {@link TestInfrastructure} must never be stopped).
 */
public final class RestartableStack implements AutoCloseable {
  /** Long enough for a fast shutdown that waits for a WAL sender, or a broker's restart. */
  public static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final String database;
  private final int postgresPort;
  private final int kafkaPort;
  private LocalPostgres postgres;
  private LocalKafka kafka;

  private RestartableStack(Path dir, String database, int postgresPort, int kafkaPort) {
    this.dir = dir;
    this.database = database;
    this.postgresPort = postgresPort;
    this.kafkaPort = kafkaPort;
  }

  /** Starts both, with {@code database} created and migrated and the dev logins enabled. */
  public static RestartableStack start(Path dir, String database) throws IOException {
    RestartableStack stack =
        new RestartableStack(dir, database, freePort(), freePortWithFreeNext());
    stack.startPostgres();
    stack.startKafka();
    return stack;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + postgresPort + "/" + database;
  }

  public String bootstrapServers() {
    return "localhost:" + kafkaPort;
  }

  /** The running PostgreSQL (changes after a restart). */
  public LocalPostgres postgres() {
    return postgres;
  }

  /** A namespace's topics, created on this broker. */
  public Topics newTopics() {
    return TestInfrastructure.newTopics(kafka);
  }

  public void startPostgres() {
    postgres = LocalPostgres.start(postgresPort, dir.resolve("pgdata"));
    postgres.prepareDatabase(database);
  }

  /**
   * Stops the server and waits until the postmaster has really exited: a fast shutdown waits for
   * WAL senders, which can outlast the 5 s {@code pg_ctl stop} grants.
   */
  public void stopPostgres() {
    postgres.close();
    postgres = null;
    await()
        .atMost(TIMEOUT)
        .until(() -> !Files.exists(dir.resolve("pgdata").resolve("postmaster.pid")));
  }

  public void startKafka() {
    kafka = LocalKafka.start(kafkaPort, dir.resolve("kafka"));
  }

  public void stopKafka() {
    kafka.close();
    kafka = null;
  }

  @Override
  public void close() {
    if (kafka != null) {
      stopKafka();
    }
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
  }

  /** A TCP port free right now on this host. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * A free port whose next one is free too: a local broker's, its KRaft controller takes the next.
   */
  public static int freePortWithFreeNext() throws IOException {
    for (int i = 0; i < 20; i++) {
      int port = freePort();
      if (port < 65534) {
        try (ServerSocket next = new ServerSocket(port + 1)) {
          return port;
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IOException("no free pair of ports");
  }
}

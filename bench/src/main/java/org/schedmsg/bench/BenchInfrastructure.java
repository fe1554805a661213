package org.schedmsg.bench;

import java.nio.file.Path;
import java.util.Optional;
import org.schedmsg.infra.kafka.LocalKafka;
import org.schedmsg.infra.postgres.LocalPostgres;

/**
 * The shared ground of a benchmark: one embedded PostgreSQL ({@code fsync} and {@code
 * synchronous_commit} on) and one local KRaft broker, both on free ports with data under {@code
 * workDir}. Every contestant gets its own database in this server.
 */
final class BenchInfrastructure implements AutoCloseable {
  private final LocalPostgres postgres;
  private final LocalKafka kafka;
  private Optional<PostgresProcesses> postgresProcesses;

  private BenchInfrastructure(LocalPostgres postgres, LocalKafka kafka) {
    this.postgres = postgres;
    this.kafka = kafka;
  }

  static BenchInfrastructure start(Path workDir) {
    LocalPostgres postgres = LocalPostgres.start(0, workDir.resolve("postgres"));
    try {
      return new BenchInfrastructure(postgres, LocalKafka.start(0, workDir.resolve("kafka")));
    } catch (RuntimeException e) {
      postgres.close();
      throw e;
    }
  }

  LocalPostgres postgres() {
    return postgres;
  }

  /** The server's processes for CPU and memory readings; empty when /proc cannot tell. */
  synchronized Optional<PostgresProcesses> postgresProcesses() {
    if (postgresProcesses == null) {
      postgresProcesses = PostgresProcesses.find(postgres.ownerDataSource("postgres"));
    }
    return postgresProcesses;
  }

  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  @Override
  public void close() {
    try {
      kafka.close();
    } finally {
      postgres.close();
    }
  }
}

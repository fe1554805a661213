package org.schedmsg.bench;

import java.nio.file.Path;
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

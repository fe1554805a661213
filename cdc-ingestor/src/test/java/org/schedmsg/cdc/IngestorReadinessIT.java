package org.schedmsg.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.infra.postgres.DevCredentials;
import org.schedmsg.infra.testing.ReadinessProbe;
import org.schedmsg.infra.testing.RestartableStack;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.observability.OpsServer;

/**
 * The ingestor's {@code /health/ready} tells the truth about its dependencies: PostgreSQL stopped
 * under the running engine turns it 503 ({@code database: database_unreachable}; the engine itself
 * restarts its connector inside the running task and still looks like it streams), the broker
 * stopped turns it 503 ({@code kafka: kafka_unreachable}), and each comes back to 200 when the
 * dependency is back, with rows still reaching the topic.
 */
class IngestorReadinessIT {
  private static final String DATABASE = "cdc_ready";
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(200);

  @TempDir Path dir;
  private RestartableStack stack;
  private IngestorFixture fixture;
  private CdcIngestorService service;
  private OpsServer ops;

  @AfterEach
  void tearDown() throws Exception {
    if (ops != null) {
      ops.close();
    }
    if (service != null) {
      service.close();
    }
    if (fixture != null) {
      fixture.dropSlot();
      fixture.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void shouldAnswer503NamingTheDependencyWhenPostgresOrKafkaGoesAwayAnd200WhenItIsBack()
      throws Exception {
    stack = RestartableStack.start(dir, DATABASE);
    fixture =
        new IngestorFixture(
            stack.postgres().ownerDataSource(DATABASE),
            stack.jdbcUrl(),
            DevCredentials.INGESTOR_USER,
            DevCredentials.INGESTOR_PASSWORD,
            stack.bootstrapServers(),
            stack.newTopics(),
            "slot_ready");
    service = CdcIngestorService.start(fixture.config(Map.of()));
    ops =
        service.withChecks(
            OpsServer.start(
                new OpsConfig(0).withDependencyInterval(PROBE_INTERVAL), OpsServer.newRegistry()));
    ReadinessProbe readiness = new ReadinessProbe(ops.port());
    service.awaitStreaming(RestartableStack.TIMEOUT);
    readiness.awaitReady(RestartableStack.TIMEOUT);

    stack.stopPostgres();
    readiness.awaitNotReady(RestartableStack.TIMEOUT, "database", "database_unreachable");
    stack.startPostgres();
    readiness.awaitReady(RestartableStack.TIMEOUT);
    fixture.insertRows(10);
    fixture.awaitKeys(fixture.rowIds());

    stack.stopKafka();
    readiness.awaitNotReady(RestartableStack.TIMEOUT, "kafka", "kafka_unreachable");
    stack.startKafka();
    readiness.awaitReady(RestartableStack.TIMEOUT);
    fixture.insertRows(10);
    fixture.awaitKeys(fixture.rowIds());
    assertThat(fixture.receivedKeys()).hasSize(20);
  }
}

package org.schedmsg.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.cdc.metrics.EngineState;
import org.schedmsg.infra.postgres.DevCredentials;
import org.schedmsg.infra.postgres.LocalPostgres;
import org.schedmsg.infra.testing.RestartableStack;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;

/**
 * The ingestor loses its replication connection while rows keep arriving: the WAL sender is
 * terminated, or the whole PostgreSQL server restarts. The engine reconnects by itself (Debezium
 * retries, {@code CDC_RESTART_DELAY} apart) and every row reaches the topic.
 */
class ConnectionLossIT {
  private static final String DATABASE = "cdc_restart";

  @TempDir Path dir;
  private IngestorFixture fixture;
  private LocalPostgres ownPostgres;
  private final List<CdcIngestorService> services = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    services.forEach(CdcIngestorService::close);
    if (fixture != null) {
      fixture.dropSlot();
      fixture.close();
    }
    if (ownPostgres != null) {
      ownPostgres.close();
    }
  }

  @Test
  void shouldDeliverEveryRowWhenWalSenderIsTerminated() throws Exception {
    TestInfrastructure infra = TestInfrastructure.shared();
    TestDatabase db = infra.newDatabase();
    fixture =
        new IngestorFixture(
            db.dataSource(),
            db.jdbcUrl(),
            db.ingestorUser(),
            db.ingestorPassword(),
            infra.bootstrapServers(),
            infra.newTopics(),
            TestInfrastructure.uniqueName("slot"));
    CdcIngestorService service = start();
    fixture.insertRows(100);

    terminateWalSender();
    fixture.insertRows(100);
    fixture.awaitKeys(fixture.rowIds());
    terminateWalSender();
    fixture.insertRows(100);

    fixture.awaitKeys(fixture.rowIds());
    assertThat(fixture.receivedKeys()).hasSize(300);
    assertThat(service.failure()).isEmpty();
    await().atMost(IngestorFixture.TIMEOUT).until(() -> service.state() == EngineState.STREAMING);
  }

  @Test
  void shouldDeliverEveryRowWhenPostgresRestarts() throws Exception {
    int port = RestartableStack.freePort();
    ownPostgres = startPostgres(port);
    TestInfrastructure infra = TestInfrastructure.shared();
    fixture =
        new IngestorFixture(
            ownPostgres.ownerDataSource(DATABASE),
            ownPostgres.jdbcUrl(DATABASE),
            DevCredentials.INGESTOR_USER,
            DevCredentials.INGESTOR_PASSWORD,
            infra.bootstrapServers(),
            infra.newTopics(),
            TestInfrastructure.uniqueName("slot"));
    CdcIngestorService service = start();
    fixture.insertRows(100);
    fixture.awaitKeys(fixture.rowIds());

    stopPostgres();
    ownPostgres = startPostgres(port);
    fixture.insertRows(100);

    fixture.awaitKeys(fixture.rowIds());
    assertThat(fixture.receivedKeys()).hasSize(200);
    assertThat(service.failure()).isEmpty();
    await().atMost(IngestorFixture.TIMEOUT).until(() -> service.state() == EngineState.STREAMING);
  }

  /** Waits until a WAL sender serves the slot, then terminates it. */
  private void terminateWalSender() throws Exception {
    await().atMost(IngestorFixture.TIMEOUT).until(fixture::slotActive);
    assertThat(fixture.terminateWalSender()).isTrue();
  }

  private CdcIngestorService start() {
    CdcIngestorService service = CdcIngestorService.start(fixture.config(Map.of()));
    services.add(service);
    service.awaitStreaming(IngestorFixture.TIMEOUT);
    return service;
  }

  /**
   * Stops the server and waits until the postmaster has really exited: a fast shutdown waits for
   * the WAL sender, which can outlast the 5 s {@code pg_ctl stop} grants (about 10 s seen here).
   */
  private void stopPostgres() {
    ownPostgres.close();
    await()
        .atMost(IngestorFixture.TIMEOUT)
        .until(() -> !Files.exists(dir.resolve("pgdata").resolve("postmaster.pid")));
  }

  private LocalPostgres startPostgres(int port) {
    LocalPostgres postgres = LocalPostgres.start(port, dir.resolve("pgdata"));
    postgres.prepareDatabase(DATABASE);
    return postgres;
  }
}

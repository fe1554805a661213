package org.schedmsg.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.cdc.metrics.CdcMetrics;
import org.schedmsg.cdc.metrics.EngineState;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Heartbeats keep the slot moving, the meters tell its state, a lost slot stops the engine. */
class WalSafetyIT {
  private static final Logger log = LoggerFactory.getLogger(WalSafetyIT.class);

  private IngestorFixture fixture;
  private final List<CdcIngestorService> services = new ArrayList<>();

  @BeforeEach
  void setUp() {
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
  }

  @AfterEach
  void tearDown() throws Exception {
    services.forEach(CdcIngestorService::close);
    fixture.dropSlot();
    fixture.close();
  }

  @Test
  void shouldAdvanceConfirmedLsnWhenOnlyAnotherTableIsWritten() throws Exception {
    start(fixture.config(Map.of("CDC_HEARTBEAT_INTERVAL", "200ms")), new SimpleMeterRegistry());
    fixture.execute("CREATE TABLE busy_other_table (n int)");
    long before = fixture.confirmedFlushLsn();

    fixture.execute("INSERT INTO busy_other_table SELECT generate_series(1, 10000)");
    long written = fixture.currentWalLsn();
    long writtenAt = System.nanoTime();

    await().atMost(IngestorFixture.TIMEOUT).until(() -> fixture.confirmedFlushLsn() >= written);
    log.info(
        "confirmed_flush_lsn advanced {} bytes, past the other table's write {} ms after it",
        fixture.confirmedFlushLsn() - before,
        (System.nanoTime() - writtenAt) / 1_000_000);
    assertThat(fixture.poll()).isEmpty();
  }

  @Test
  void shouldExposeChangesLagStateAndSlotWalWhenStreaming() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    CdcIngestorService service =
        start(fixture.config(Map.of("CDC_SLOT_METRICS_INTERVAL", "100ms")), registry);
    fixture.insertRows(10);
    fixture.awaitKeys(fixture.rowIds());

    await()
        .atMost(IngestorFixture.TIMEOUT)
        .until(() -> registry.get(CdcMetrics.CHANGES).tag("op", "c").counter().count() == 10);
    Timer lag = registry.get(CdcMetrics.LAG).timer();
    assertThat(lag.count()).isEqualTo(10);
    assertThat(service.state()).isEqualTo(EngineState.STREAMING);
    assertThat(registry.get(CdcMetrics.ENGINE_STATE).tag("state", "streaming").gauge().value())
        .isEqualTo(1.0);
    await()
        .atMost(IngestorFixture.TIMEOUT)
        .until(() -> registry.get(CdcMetrics.SLOT_RETAINED_WAL).gauge().value() >= 0);
    log.info(
        "commit -> ack of 10 rows in one transaction: max {} ms; slot retains {} bytes",
        lag.max(java.util.concurrent.TimeUnit.MILLISECONDS),
        registry.get(CdcMetrics.SLOT_RETAINED_WAL).gauge().value());
  }

  @Test
  void shouldStopNamingSlotWhenSlotWasLostWhileDown() throws Exception {
    CdcIngestorConfig config = fixture.config(Map.of("CDC_OFFSET_FLUSH_INTERVAL", "100ms"));
    CdcIngestorService first = start(config, new SimpleMeterRegistry());
    fixture.insertRows(1);
    fixture.awaitKeys(fixture.rowIds());
    first.close();
    fixture.dropSlot();
    fixture.insertRows(1);

    CdcIngestorService second = CdcIngestorService.start(config, new SimpleMeterRegistry());
    services.add(second);

    await().atMost(IngestorFixture.TIMEOUT).until(() -> second.failure().isPresent());
    assertThat(second.state()).isEqualTo(EngineState.FAILED);
    assertThat(second.failure().orElseThrow())
        .isInstanceOf(LostSlotException.class)
        .hasMessageContaining(fixture.slot())
        .hasMessageContaining("Lost replication slot");
    assertThat(fixture.poll()).extracting(r -> r.value().op()).containsExactly("c");
  }

  private CdcIngestorService start(CdcIngestorConfig config, MeterRegistry registry) {
    CdcIngestorService service = CdcIngestorService.start(config, registry);
    services.add(service);
    service.awaitStreaming(IngestorFixture.TIMEOUT);
    return service;
  }
}

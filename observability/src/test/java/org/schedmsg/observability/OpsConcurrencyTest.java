package org.schedmsg.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Slow, stalled and silent clients cannot keep the probes of others from being answered. */
class OpsConcurrencyTest {
  private static final int THREADS = BoundedExchangeExecutor.THREADS;
  private static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration CHECK_TIMEOUT = Duration.ofMillis(300);

  private final Probe probe = new Probe();
  private final List<RawClient> clients = new ArrayList<>();
  private final PrometheusMeterRegistry registry = OpsServer.newRegistry();

  @AfterEach
  void disconnect() throws Exception {
    for (RawClient client : clients) {
      client.close();
    }
  }

  @Test
  void shouldAnswerLivenessPromptlyWhenOtherClientsStallMidRequest() throws Exception {
    try (OpsServer ops =
        OpsServer.start(Probe.loopback(CHECK_TIMEOUT, Duration.ofSeconds(30)), registry)) {
      stallMidRequest(ops, THREADS - 1);
      await().atMost(Probe.PROMPT).until(() -> active(ops) == THREADS - 1);

      assertThat(probe.get(ops, "/health/live").statusCode()).isEqualTo(200);
      assertThat(probe.get(ops, "/health/ready").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldAnswerLivenessPromptlyWhenMoreSilentConnectionsThanThreadsAreOpen() throws Exception {
    try (OpsServer ops =
        OpsServer.start(Probe.loopback(CHECK_TIMEOUT, Duration.ofSeconds(30)), registry)) {
      for (int i = 0; i < 4 * THREADS; i++) {
        clients.add(RawClient.connect(ops));
      }

      assertThat(probe.get(ops, "/health/live").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldDisconnectAClientThatNeverFinishesItsRequestWhenTheExchangeTimeoutPasses()
      throws Exception {
    try (OpsServer ops =
            OpsServer.start(Probe.loopback(CHECK_TIMEOUT, EXCHANGE_TIMEOUT), registry);
        RawClient stalled = RawClient.connect(ops).send(RawClient.HALF_A_REQUEST)) {
      long started = System.nanoTime();

      String answered = stalled.readUntilClosed(EXCHANGE_TIMEOUT.plusSeconds(3));

      Duration held = Duration.ofNanos(System.nanoTime() - started);
      assertThat(answered).isEmpty();
      assertThat(held).isGreaterThanOrEqualTo(EXCHANGE_TIMEOUT.minusMillis(100));
      await().atMost(Probe.PROMPT).until(() -> timeouts(ops) == 1.0 && active(ops) == 0);
    }
  }

  @Test
  void shouldFreeEveryThreadWhenAllAreHeldByStalledClients() throws Exception {
    try (OpsServer ops =
        OpsServer.start(Probe.loopback(CHECK_TIMEOUT, EXCHANGE_TIMEOUT), registry)) {
      stallMidRequest(ops, THREADS);
      await().atMost(Probe.PROMPT).until(() -> active(ops) == THREADS);

      // queued behind the stalled clients until the guard cuts them off, then answered
      assertThat(
              probe
                  .send(ops, "GET", "/health/live", EXCHANGE_TIMEOUT.plus(Probe.PROMPT))
                  .statusCode())
          .isEqualTo(200);
      for (RawClient client : clients) {
        assertThat(client.readUntilClosed(Probe.PROMPT)).isEmpty();
      }
      await().atMost(Probe.PROMPT).until(() -> timeouts(ops) == THREADS);
    }
  }

  private void stallMidRequest(OpsServer ops, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      clients.add(RawClient.connect(ops).send(RawClient.HALF_A_REQUEST));
    }
  }

  private int active(OpsServer ops) {
    return (int)
        registry
            .get(OpsServer.ACTIVE_EXCHANGES)
            .tag("port", String.valueOf(ops.port()))
            .gauge()
            .value();
  }

  private double timeouts(OpsServer ops) {
    return registry
        .get(OpsServer.EXCHANGE_TIMEOUTS)
        .tag("port", String.valueOf(ops.port()))
        .counter()
        .count();
  }
}

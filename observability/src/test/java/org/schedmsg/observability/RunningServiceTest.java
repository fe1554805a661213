package org.schedmsg.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** How a started service and its endpoint are held, reported and stopped together. */
class RunningServiceTest {
  private final Probe probe = new Probe();

  @Test
  void shouldStopTheServiceAndRethrowWhenTheEndpointPortIsTaken() throws Exception {
    List<String> closed = new ArrayList<>();
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      OpsConfig config =
          new OpsConfig(
              taken.getLocalPort(),
              InetAddress.getLoopbackAddress(),
              OpsConfig.DEFAULT_CHECK_TIMEOUT,
              OpsConfig.DEFAULT_EXCHANGE_TIMEOUT,
              OpsConfig.DEFAULT_DEPENDENCY_INTERVAL);

      assertThatThrownBy(
              () ->
                  RunningService.open(
                      () -> null,
                      () -> closed.add("service"),
                      () -> OpsServer.start(config, OpsServer.newRegistry())))
          .isInstanceOf(UncheckedIOException.class);
    }
    assertThat(closed).containsExactly("service");
  }

  @Test
  void shouldReportTheServiceFailureAndCloseTheEndpointAfterTheService() throws Exception {
    AtomicReference<String> failure = new AtomicReference<>();
    List<Integer> statusSeenWhileClosing = new ArrayList<>();
    OpsServer[] endpoint = new OpsServer[1];
    RunningService running =
        RunningService.open(
            failure::get,
            () -> statusSeenWhileClosing.add(liveStatus(endpoint[0])),
            () ->
                endpoint[0] =
                    OpsServer.start(
                        Probe.loopback(Duration.ofSeconds(1), Duration.ofSeconds(5)),
                        OpsServer.newRegistry()));

    assertThat(running.failure()).isNull();
    failure.set("streams_failed");
    assertThat(running.failure()).isEqualTo("streams_failed");

    running.close();
    assertThat(statusSeenWhileClosing).containsExactly(200);
    assertThat(liveStatus(endpoint[0])).isEqualTo(-1);
  }

  private int liveStatus(OpsServer ops) {
    try {
      return probe.get(ops, "/health/live").statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}

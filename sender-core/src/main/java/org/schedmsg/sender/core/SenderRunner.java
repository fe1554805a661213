package org.schedmsg.sender.core;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import org.schedmsg.contracts.config.ServiceExit;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.observability.RunningService;
import org.schedmsg.sender.core.client.PlatformClient;
import org.schedmsg.sender.core.config.SenderConfig;

/**
 * What both sender apps do once their config is read: start the service with a Prometheus registry,
 * expose {@code /health} and {@code /metrics} on the ops port, and hand both to {@link
 * ServiceExit}, which stops them on SIGTERM and exits 1 once a consumer thread died ({@code
 * /health/live}'s {@code consumer_thread_dead}).
 */
public final class SenderRunner {
  private SenderRunner() {}

  public static ServiceExit.Running start(
      SenderConfig config, PlatformClient client, OpsConfig ops) {
    PrometheusMeterRegistry registry = OpsServer.newRegistry();
    SenderService service = SenderService.start(config, client, Clock.systemUTC(), registry);
    return RunningService.open(
        service::livenessProblem,
        service::close,
        () -> service.withChecks(OpsServer.start(ops, registry)));
  }
}

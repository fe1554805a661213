package org.schedmsg.sender.core;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.sender.core.client.PlatformClient;
import org.schedmsg.sender.core.config.SenderConfig;

/**
 * What both sender apps do once their config is read: start the service with a Prometheus registry,
 * expose {@code /health} and {@code /metrics} on the ops port, stop both on shutdown.
 */
public final class SenderRunner {
  private SenderRunner() {}

  public static void run(SenderConfig config, PlatformClient client, OpsConfig ops) {
    PrometheusMeterRegistry registry = OpsServer.newRegistry();
    SenderService service = SenderService.start(config, client, Clock.systemUTC(), registry);
    OpsServer server = service.withChecks(OpsServer.start(ops, registry));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.close();
                  server.close();
                },
                "sender-" + config.platform().id() + "-shutdown"));
  }
}

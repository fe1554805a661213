package org.schedmsg.cdc;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.observability.OpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the CDC ingestor from the environment; the only place that reads it. Exits with status 1
 * when the configuration is invalid or the engine stops by itself, so an orchestrator restarts it
 * (stored offsets make the restart resume where Kafka last acknowledged).
 */
public final class App {
  private static final Logger log = LoggerFactory.getLogger(App.class);

  private App() {}

  public static void main(String[] args) {
    Env env = Env.system();
    CdcIngestorConfig config;
    OpsConfig ops;
    try {
      config = CdcIngestorConfig.fromEnv(env);
      ops = OpsConfig.fromEnv(env, OpsConfig.CDC_INGESTOR_PORT);
    } catch (IllegalArgumentException e) {
      log.error("invalid configuration, not starting: {}", e.getMessage());
      System.exit(1);
      return;
    }
    PrometheusMeterRegistry registry = OpsServer.newRegistry();
    CdcIngestorService service = CdcIngestorService.start(config, registry);
    OpsServer server = service.withChecks(OpsServer.start(ops, registry));
    AtomicBoolean shuttingDown = new AtomicBoolean();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  shuttingDown.set(true);
                  service.close();
                  server.close();
                },
                "cdc-ingestor-shutdown"));
    Optional<Throwable> failure = service.awaitStop();
    if (shuttingDown.get() || Thread.currentThread().isInterrupted()) {
      return;
    }
    log.error(
        "CDC ingestor stopped ({}); exiting with status 1 so that it is restarted",
        failure.map(Throwable::getMessage).orElse("engine ended without an error"));
    System.exit(1);
  }
}

package org.schedmsg.cdc;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.contracts.config.Env;
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
    CdcIngestorConfig config;
    try {
      config = CdcIngestorConfig.fromEnv(Env.system());
    } catch (IllegalArgumentException e) {
      log.error("invalid configuration, not starting: {}", e.getMessage());
      System.exit(1);
      return;
    }
    CdcIngestorService service = CdcIngestorService.start(config);
    AtomicBoolean shuttingDown = new AtomicBoolean();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  shuttingDown.set(true);
                  service.close();
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

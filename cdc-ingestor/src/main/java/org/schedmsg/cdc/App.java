package org.schedmsg.cdc;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.ServiceExit;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.observability.RunningService;

/**
 * Starts the CDC ingestor from the environment; the only place that reads it. Exits as every
 * service does ({@link ServiceExit}): 0 after SIGTERM and a clean stop, 2 when a setting is
 * invalid, 1 when it cannot start or the engine stops by itself, so an orchestrator restarts it
 * (stored offsets make the restart resume where Kafka last acknowledged).
 */
public final class App {
  private App() {}

  public static void main(String[] args) {
    ServiceExit.run("cdc-ingestor", () -> Settings.fromEnv(Env.system()), App::start);
  }

  /** Every setting, read and validated before anything connects. */
  private record Settings(CdcIngestorConfig config, OpsConfig ops) {
    static Settings fromEnv(Env env) {
      return new Settings(
          CdcIngestorConfig.fromEnv(env), OpsConfig.fromEnv(env, OpsConfig.CDC_INGESTOR_PORT));
    }
  }

  private static ServiceExit.Running start(Settings settings) {
    PrometheusMeterRegistry registry = OpsServer.newRegistry();
    CdcIngestorService service = CdcIngestorService.start(settings.config(), registry);
    return RunningService.open(
        () ->
            service.hasStopped()
                ? service
                    .failure()
                    .map(f -> String.valueOf(f.getMessage()))
                    .orElse("engine ended without an error")
                : null,
        service::close,
        () -> service.withChecks(OpsServer.start(settings.ops(), registry)));
  }
}

package org.schedmsg.scheduler;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.scheduler.config.SchedulerConfig;

/** Starts the scheduler from the environment; the only place that reads it. */
public final class App {
  private App() {}

  public static void main(String[] args) {
    Env env = Env.system();
    SchedulerConfig config = SchedulerConfig.fromEnv(env);
    OpsConfig ops = OpsConfig.fromEnv(env, OpsConfig.SCHEDULER_PORT);
    PrometheusMeterRegistry registry = OpsServer.newRegistry();
    SchedulerService service = SchedulerService.start(config, registry);
    OpsServer server = service.withChecks(OpsServer.start(ops, registry));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.close();
                  server.close();
                },
                "scheduler-shutdown"));
  }
}

package org.schedmsg.scheduler;

import org.schedmsg.contracts.config.Env;
import org.schedmsg.scheduler.config.SchedulerConfig;

/** Starts the scheduler from the environment; the only place that reads it. */
public final class App {
  private App() {}

  public static void main(String[] args) {
    SchedulerConfig config = SchedulerConfig.fromEnv(Env.system());
    SchedulerService service = SchedulerService.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "scheduler-shutdown"));
  }
}

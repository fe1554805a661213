package org.schedmsg.scheduler;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.schedmsg.contracts.config.ServiceExit;
import org.schedmsg.contracts.config.SettingValues;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.observability.RunningService;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the scheduler from the environment; the only place that reads it. Exits as every service
 * does ({@link ServiceExit}): 0 after SIGTERM and a clean stop, 2 when a setting is invalid, 1 when
 * it cannot start (e.g. the CDC topic cannot be described) or the streams fail for good (state
 * ERROR, what {@code /health/live} reports as {@code streams_failed}).
 */
public final class App {
  private static final Logger log = LoggerFactory.getLogger(App.class);

  private App() {}

  public static void main(String[] args) {
    run(Clock.systemUTC());
  }

  /** Runs the scheduler with its wall clock read from {@code clock} (the system clock in main). */
  public static void run(Clock clock) {
    ServiceExit.run(
        "scheduler-stream",
        () -> Settings.fromEnv(Env.system()),
        settings -> start(settings, clock));
  }

  /**
   * Every setting, read and validated before anything connects, and logged as one masked line
   * (secrets hidden; Kafka client properties by key only).
   */
  private record Settings(SchedulerConfig config, OpsConfig ops) {
    static Settings fromEnv(Env env) {
      SettingValues values = SchedulerConfig.read(env);
      SchedulerConfig config = SchedulerConfig.from(values, KafkaClientSettings.fromEnv(env));
      OpsConfig ops = OpsConfig.fromEnv(env, OpsConfig.SCHEDULER_PORT);
      log.info("scheduler settings: {}; Kafka client properties: {}", values, config.kafkaClient());
      return new Settings(config, ops);
    }
  }

  private static ServiceExit.Running start(Settings settings, Clock clock) {
    PrometheusMeterRegistry registry = OpsServer.newRegistry();
    SchedulerService service = SchedulerService.start(settings.config(), registry, clock);
    return RunningService.open(
        service::livenessProblem,
        service::close,
        () -> service.withChecks(OpsServer.start(settings.ops(), registry)));
  }
}

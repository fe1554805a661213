package org.schedmsg.pipeline;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.pipeline.config.LocalRunConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline on one machine: embedded PostgreSQL, a local Kafka broker, sandbox platforms
 * (unless real tokens are set) and the four services. Runs until Ctrl-C, which stops everything
 * cleanly; exits non-zero if a service fails.
 */
public final class LocalPipelineApp {
  private static final Logger log = LoggerFactory.getLogger(LocalPipelineApp.class);

  /** Printed once everything runs; scripts wait for it. */
  public static final String READY_LINE = "schedmsg local pipeline is running";

  private LocalPipelineApp() {}

  public static void main(String[] args) throws InterruptedException {
    Env env = Env.system();
    LocalRunConfig run = LocalRunConfig.fromEnv(env);
    LocalStack stack = LocalStack.start(run, env);
    PrometheusMeterRegistry registry = OpsServer.newRegistry();
    Pipeline pipeline;
    OpsServer ops;
    try {
      pipeline = Pipeline.start(stack.pipelineConfig(System.getenv()), registry);
      ops = pipeline.withChecks(OpsServer.start(run.opsPort(), registry));
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping the local pipeline");
                  ops.close();
                  pipeline.close();
                  stack.close();
                },
                "local-pipeline-stop"));
    pipeline.awaitRunning();
    log.info(
        "{}: {}, health and metrics http://localhost:{}/health/ready and /metrics. Ctrl-C stops"
            + " it.",
        READY_LINE,
        stack.summary(),
        ops.port());
    pipeline.awaitFailure();
    log.error("a service failed; stopping the local pipeline", pipeline.failure().orElse(null));
    System.exit(1);
  }
}

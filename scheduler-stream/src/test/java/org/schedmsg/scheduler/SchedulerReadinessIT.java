package org.schedmsg.scheduler;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.infra.testing.ReadinessProbe;
import org.schedmsg.infra.testing.RestartableStack;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.scheduler.config.SchedulerConfig;

/**
 * The scheduler's {@code /health/ready} turns 503 ({@code kafka: kafka_unreachable}) while the
 * broker is stopped and 200 when it is back. Kafka Streams stays in state RUNNING while its brokers
 * are away, so readiness that looked only at the state stayed 200.
 */
class SchedulerReadinessIT {
  @TempDir Path dir;
  private RestartableStack stack;
  private SchedulerService scheduler;
  private OpsServer ops;

  @AfterEach
  void tearDown() {
    if (ops != null) {
      ops.close();
    }
    if (scheduler != null) {
      scheduler.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void shouldAnswer503WhenKafkaGoesAwayAnd200WhenItIsBack() throws Exception {
    stack = RestartableStack.start(dir, "scheduler_ready");
    Topics topics = stack.newTopics();
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("SCHEDULER_STATE_DIR", dir.resolve("state").toString());
    SchedulerConfig config = SchedulerConfig.fromEnv(new Env(env));
    scheduler = SchedulerService.start(config);
    ops =
        scheduler.withChecks(
            OpsServer.start(
                new OpsConfig(0).withDependencyInterval(Duration.ofMillis(200)),
                OpsServer.newRegistry()));
    ReadinessProbe readiness = new ReadinessProbe(ops.port());
    readiness.awaitReady(RestartableStack.TIMEOUT);

    stack.stopKafka();
    readiness.awaitNotReady(RestartableStack.TIMEOUT, "kafka", "kafka_unreachable");
    stack.startKafka();
    readiness.awaitReady(RestartableStack.TIMEOUT);
  }
}

package org.schedmsg.sender.telegram;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.infra.postgres.DevCredentials;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.testing.ReadinessProbe;
import org.schedmsg.infra.testing.RestartableStack;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.sender.core.SenderService;
import org.schedmsg.sender.telegram.client.TelegramClient;
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;

/**
 * The sender's {@code /health/ready} tells the truth about its dependencies: PostgreSQL stopped
 * under the running sender turns it 503 ({@code database: database_unreachable}), the broker
 * stopped turns it 503 ({@code kafka: kafka_unreachable}), and each comes back to 200 when the
 * dependency is back. Before, readiness looked only at the consumer threads and the platform's
 * answer, and stayed 200 through both outages.
 */
class TelegramSenderReadinessIT {
  private static final String DATABASE = "sender_ready";
  private static final String TOKEN = "4242:ready-token";

  @TempDir Path dir;
  private RestartableStack stack;
  private FakeTelegramServer telegram;
  private SenderService sender;
  private OpsServer ops;

  @AfterEach
  void tearDown() {
    if (ops != null) {
      ops.close();
    }
    if (sender != null) {
      sender.close();
    }
    if (telegram != null) {
      telegram.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void shouldAnswer503NamingTheDependencyWhenPostgresOrKafkaGoesAwayAnd200WhenItIsBack()
      throws Exception {
    stack = RestartableStack.start(dir, DATABASE);
    Topics topics = stack.newTopics();
    telegram = FakeTelegramServer.start(0, TOKEN);
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", stack.jdbcUrl());
    env.put("DATABASE_USER", DevCredentials.SENDER_USER);
    env.put("DATABASE_PASSWORD", DevCredentials.SENDER_PASSWORD);
    env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("SENDER_POLL_TIMEOUT", "100ms");
    env.put("TELEGRAM_BOT_TOKEN", TOKEN);
    env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
    TelegramSenderConfig config = TelegramSenderConfig.fromEnv(new Env(env));
    sender = SenderService.start(config.core(), TelegramClient.create(config), Clock.systemUTC());
    ops =
        sender.withChecks(
            OpsServer.start(
                new OpsConfig(0).withDependencyInterval(Duration.ofMillis(200)),
                OpsServer.newRegistry()));
    ReadinessProbe readiness = new ReadinessProbe(ops.port());
    readiness.awaitReady(RestartableStack.TIMEOUT);

    stack.stopPostgres();
    readiness.awaitNotReady(RestartableStack.TIMEOUT, "database", "database_unreachable");
    stack.startPostgres();
    readiness.awaitReady(RestartableStack.TIMEOUT);

    stack.stopKafka();
    readiness.awaitNotReady(RestartableStack.TIMEOUT, "kafka", "kafka_unreachable");
    stack.startKafka();
    readiness.awaitReady(RestartableStack.TIMEOUT);
  }
}

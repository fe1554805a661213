package org.schedmsg.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.schedmsg.cdc.CdcIngestorService;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.SettingKeys;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.sandbox.ReceivedRequest;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.scheduler.SchedulerService;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.sender.core.SenderService;
import org.schedmsg.sender.core.consume.Outcome;
import org.schedmsg.sender.telegram.client.TelegramClient;
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;

/**
 * Scale-out on real parts: a CDC topic of several partitions, two scheduler instances of one
 * application and two Telegram sender instances of one group. Every message is delivered once, none
 * before its time, and the platform's configured rate holds in aggregate at the fake platform (each
 * scheduler task releases, and each sender paces, at its share). Stopping a scheduler instance
 * moves its partitions to the other, and nothing is lost. (A SIGKILL, where the group notices only
 * after the session timeout, belongs to the fault suite.)
 */
class ScaleOutIT {
  private static final String TOKEN = "123456:tg-scale-" + UUID.randomUUID();
  private static final int RATE = 20;

  private static TestDatabase db;
  private static Topics topics;
  private static FakeTelegramServer telegram;
  private static MessageTable table;
  private static final List<AutoCloseable> running = new ArrayList<>();
  private static SchedulerService schedulerA;
  private static SchedulerService schedulerB;
  private static SenderService senderA;
  private static SenderService senderB;

  @BeforeAll
  static void start() throws Exception {
    TestInfrastructure infra = TestInfrastructure.shared();
    db = infra.newDatabase();
    topics = infra.newTopics();
    telegram = FakeTelegramServer.start(0, TOKEN);
    Map<String, String> env = new HashMap<>();
    env.put(SettingKeys.DATABASE_URL, db.jdbcUrl());
    env.put(SettingKeys.KAFKA_BOOTSTRAP_SERVERS, infra.bootstrapServers());
    env.put(SettingKeys.TOPIC_NAMESPACE, topics.namespace());
    env.put("CDC_SLOT_NAME", TestInfrastructure.uniqueName("slot"));
    env.put("TELEGRAM_BOT_TOKEN", TOKEN);
    env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
    env.put("SENDER_MESSAGES_PER_SECOND", Integer.toString(RATE));
    env.put("SENDER_RECIPIENT_INTERVAL", "PT0S");
    env.put("SCHEDULER_TELEGRAM_RELEASE_RATE", Integer.toString(RATE));
    env.put("SCHEDULER_SESSION_TIMEOUT", "6s");

    schedulerA = remember(SchedulerService.start(schedulerConfig(env), new SimpleMeterRegistry()));
    schedulerB = remember(SchedulerService.start(schedulerConfig(env), new SimpleMeterRegistry()));
    senderA = remember(sender(env));
    senderB = remember(sender(env));
    Map<String, String> ingestorEnv = new HashMap<>(env);
    ingestorEnv.put(SettingKeys.DATABASE_USER, db.ingestorUser());
    ingestorEnv.put(SettingKeys.DATABASE_PASSWORD, db.ingestorPassword());
    CdcIngestorService ingestor =
        remember(
            CdcIngestorService.start(
                CdcIngestorConfig.fromEnv(new Env(ingestorEnv)), new SimpleMeterRegistry()));
    ingestor.awaitStreaming(Duration.ofMinutes(2));
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> schedulerA.isRunning() && schedulerB.isRunning());
    table = new MessageTable(db.dataSource());
  }

  private static SchedulerConfig schedulerConfig(Map<String, String> env) throws Exception {
    Map<String, String> own = new HashMap<>(env);
    own.put("SCHEDULER_STATE_DIR", Files.createTempDirectory("scheduler-state").toString());
    return SchedulerConfig.fromEnv(new Env(own));
  }

  private static SenderService sender(Map<String, String> env) {
    Map<String, String> own = new HashMap<>(env);
    own.put(SettingKeys.DATABASE_USER, db.senderUser());
    own.put(SettingKeys.DATABASE_PASSWORD, db.senderPassword());
    TelegramSenderConfig config = TelegramSenderConfig.fromEnv(new Env(own));
    return SenderService.start(
        config.core(), TelegramClient.create(config), Clock.systemUTC(), new SimpleMeterRegistry());
  }

  private static <T extends AutoCloseable> T remember(T service) {
    running.add(0, service);
    return service;
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable service : running) {
      try {
        service.close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    if (telegram != null) {
      telegram.close();
    }
  }

  @Test
  void shouldRunOnCdcTopicOfSeveralPartitions() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.shared().bootstrapServers()))) {
      int partitions =
          admin
              .describeTopics(List.of(topics.cdc().name()))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(topics.cdc().name())
              .partitions()
              .size();
      assertThat(partitions).isEqualTo(Topics.CDC_PARTITIONS).isGreaterThan(1);
    }
  }

  /**
   * Two schedulers and two senders: 120 messages due together are delivered once each, none early,
   * both sender instances do a share, and no second at the platform holds more than the rate.
   */
  @Test
  void shouldDeliverOnceNoneEarlyAndKeepRateInAggregateWhenScaledOut() throws Exception {
    Instant due = Instant.now().plusSeconds(4);
    Map<UUID, String> texts = new HashMap<>();
    for (int i = 0; i < 120; i++) {
      String text = "scale-out " + i + " " + UUID.randomUUID();
      texts.put(table.insert("telegram", Integer.toString(50_000 + i), text, due, 5), text);
    }

    awaitSent(texts.keySet(), Duration.ofSeconds(60));

    List<ReceivedRequest> received = requestsFor(texts.values());
    assertThat(received).as("each message reached the platform once").hasSize(texts.size());
    assertThat(received.stream().map(r -> r.field("text")).distinct().count())
        .isEqualTo(texts.size());
    assertThat(received)
        .as("none before its scheduled time")
        .allSatisfy(r -> assertThat(r.receivedAt()).isAfterOrEqualTo(due));
    assertThat(busiestSecond(received))
        .as("most requests the platform received in any one-second window")
        .isLessThanOrEqualTo(RATE);
    assertThat(senderA.processor().count(Outcome.SENT))
        .as("the first sender instance took a share")
        .isPositive();
    assertThat(senderB.processor().count(Outcome.SENT))
        .as("the second sender instance took a share")
        .isPositive();
  }

  /**
   * One scheduler instance stops while messages wait for their time: its partitions move to the
   * other, which restores their state, and every message is delivered once, none early.
   */
  @Test
  void shouldMovePartitionsAndLoseNothingWhenSchedulerInstanceStops() throws Exception {
    Instant due = Instant.now().plusSeconds(3);
    Map<UUID, String> texts = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      String text = "failover " + i + " " + UUID.randomUUID();
      texts.put(table.insert("telegram", Integer.toString(60_000 + i), text, due, 3), text);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> schedulerA.isRunning() && schedulerB.isRunning());

    running.remove(schedulerA);
    schedulerA.close();

    awaitSent(texts.keySet(), Duration.ofSeconds(90));
    List<ReceivedRequest> received = requestsFor(texts.values());
    assertThat(received).hasSize(texts.size());
    assertThat(received.stream().map(r -> r.field("text")).distinct().count())
        .isEqualTo(texts.size());
    assertThat(received).allSatisfy(r -> assertThat(r.receivedAt()).isAfterOrEqualTo(due));
  }

  private static void awaitSent(Set<UUID> ids, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              for (UUID id : ids) {
                if (!"sent".equals(table.status(id))) {
                  return false;
                }
              }
              return true;
            });
  }

  private static List<ReceivedRequest> requestsFor(java.util.Collection<String> texts) {
    Set<String> wanted = new HashSet<>(texts);
    return telegram.requests().stream().filter(r -> wanted.contains(r.field("text"))).toList();
  }

  private static int busiestSecond(List<ReceivedRequest> requests) {
    List<Instant> arrivals = requests.stream().map(ReceivedRequest::receivedAt).sorted().toList();
    int busiest = 0;
    for (int first = 0, last = 0; first < arrivals.size(); first++) {
      while (last < arrivals.size()
          && arrivals.get(last).isBefore(arrivals.get(first).plusSeconds(1))) {
        last++;
      }
      busiest = Math.max(busiest, last - first);
    }
    return busiest;
  }
}

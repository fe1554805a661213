package org.schedmsg.sender.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.sender.core.SenderService;
import org.schedmsg.sender.core.config.SenderConfig;
import org.schedmsg.sender.telegram.client.TelegramClient;
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;

/**
 * {@code SENDER_INSTANCE_ID} (sender-core README): a sender restarted after a crash with the same
 * id gets its partitions back at once, where a new member waits for the dead one's session timeout
 * (45 s); a clean stop still leaves the group, so its partitions move at once.
 */
class StaticMembershipIT {
  private static final String TOKEN = "4242:it-token";

  /** Well under the consumers' session timeout (45 s, Kafka's default). */
  private static final Duration PROMPTLY = Duration.ofSeconds(15);

  private final TestInfrastructure infra = TestInfrastructure.shared();
  private TestDatabase db;
  private Topics topics;
  private FakeTelegramServer telegram;
  private String groupId;
  private String instanceId;

  @BeforeEach
  void start() {
    db = infra.newDatabase();
    topics = infra.newTopics();
    telegram = FakeTelegramServer.start(0, TOKEN);
    groupId = TestInfrastructure.uniqueName("sender-telegram");
    instanceId = TestInfrastructure.uniqueName("sender-telegram-pod");
  }

  @AfterEach
  void stop() {
    telegram.close();
  }

  private TelegramSenderConfig config() {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", db.jdbcUrl());
    env.put("DATABASE_USER", db.senderUser());
    env.put("DATABASE_PASSWORD", db.senderPassword());
    env.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("SENDER_GROUP_ID", groupId);
    env.put("SENDER_REJECTIONS_GROUP_ID", groupId + "-rejections");
    env.put("SENDER_POLL_TIMEOUT", "100ms");
    env.put("SENDER_INSTANCE_ID", instanceId);
    env.put("TELEGRAM_BOT_TOKEN", TOKEN);
    env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
    return TelegramSenderConfig.fromEnv(new Env(env));
  }

  @Test
  void shouldGetPartitionsBackPromptlyWhenRestartedWithSameInstanceIdAfterCrash() {
    SenderConfig config = config().core();
    KafkaConsumer<byte[], byte[]> crashed = consumer(config);
    awaitAssignment(crashed, Duration.ofSeconds(60));
    // what a kill -9 leaves: the member stays in the group until its session times out
    crashed.close(CloseOptions.groupMembershipOperation(GroupMembershipOperation.REMAIN_IN_GROUP));

    try (KafkaConsumer<byte[], byte[]> restarted = consumer(config)) {
      Set<TopicPartition> assigned = awaitAssignment(restarted, PROMPTLY);

      assertThat(assigned).hasSize(partitions(config));
    }
  }

  @Test
  void shouldLeaveGroupPromptlyWhenStoppedCleanlyAsStaticMember() {
    TelegramSenderConfig config = config();
    SenderService sender =
        SenderService.start(config.core(), TelegramClient.create(config), Clock.systemUTC());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> members(groupId).stream().anyMatch(m -> m.groupInstanceId().isPresent()));

    sender.close();

    await().atMost(PROMPTLY).until(() -> members(groupId).isEmpty());
  }

  private KafkaConsumer<byte[], byte[]> consumer(SenderConfig config) {
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            config.consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(config.inputTopic().name()));
    return consumer;
  }

  private static Set<TopicPartition> awaitAssignment(
      KafkaConsumer<byte[], byte[]> consumer, Duration atMost) {
    await()
        .atMost(atMost)
        .until(
            () -> {
              consumer.poll(Duration.ofMillis(100));
              return !consumer.assignment().isEmpty();
            });
    return consumer.assignment();
  }

  private int partitions(SenderConfig config) {
    try (Admin admin = admin()) {
      String topic = config.inputTopic().name();
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .size();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private List<MemberDescription> members(String group) {
    try (Admin admin = admin()) {
      return List.copyOf(
          admin.describeConsumerGroups(List.of(group)).all().get().get(group).members());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Admin admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    return Admin.create(props);
  }
}

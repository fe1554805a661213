package org.schedmsg.sender.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.sender.core.testing.ReadmeConfigTable;

class SenderConfigTest {
  static Map<String, String> required() {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", "jdbc:postgresql://db:5432/schedmsg");
    env.put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
    return env;
  }

  @Test
  void shouldUseDefaultsWhenOnlyRequiredKeysSet() {
    SenderConfig config = SenderConfig.fromEnv(new Env(required()), Platform.TELEGRAM);

    assertThat(config.topicNamespace()).isEqualTo("schedmsg");
    assertThat(config.groupId()).isEqualTo("schedmsg-sender-telegram");
    assertThat(config.maxAttempts()).isEqualTo(5);
    assertThat(config.httpTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.pollTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.databaseUser()).isNull();
    assertThat(config.inputTopic().name()).isEqualTo("schedmsg.delivery.telegram.v1");
  }

  @Test
  void shouldJoinBothGroupsAsStaticMemberWhenInstanceIdSet() {
    Map<String, String> env = required();
    env.put("SENDER_INSTANCE_ID", "sender-telegram-7d9f-0");

    SenderConfig config = SenderConfig.fromEnv(new Env(env), Platform.TELEGRAM);

    assertThat(config.consumerProperties())
        .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "sender-telegram-7d9f-0");
    assertThat(config.rejectionConsumerProperties())
        .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "sender-telegram-7d9f-0");
    assertThat(config.toString()).contains("instanceId=sender-telegram-7d9f-0");
  }

  @Test
  void shouldJoinAsDynamicMemberWhenInstanceIdNotSet() {
    SenderConfig config = SenderConfig.fromEnv(new Env(required()), Platform.TELEGRAM);

    assertThat(config.instanceId()).isNull();
    assertThat(config.consumerProperties())
        .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
  }

  @Test
  void shouldRejectInstanceIdWithSpaces() {
    Map<String, String> env = required();
    env.put("SENDER_INSTANCE_ID", "sender one");

    assertThatThrownBy(() -> SenderConfig.fromEnv(new Env(env), Platform.TELEGRAM))
        .hasMessageContaining("SENDER_INSTANCE_ID")
        .hasMessageNotContaining("sender one");
  }

  @Test
  void shouldDeriveGroupIdFromNamespaceWhenNamespaceSet() {
    Map<String, String> env = required();
    env.put("TOPIC_NAMESPACE", "staging");

    SenderConfig config = SenderConfig.fromEnv(new Env(env), Platform.WHATSAPP);

    assertThat(config.groupId()).isEqualTo("staging-sender-whatsapp");
    assertThat(config.inputTopic().name()).isEqualTo("staging.delivery.whatsapp.v1");
  }

  @Test
  void shouldReadEveryKeyWhenAllSet() {
    Map<String, String> env = required();
    env.put("DATABASE_USER", "schedmsg_sender");
    env.put("DATABASE_PASSWORD", "pw");
    env.put("SENDER_GROUP_ID", "g1");
    env.put("SENDER_MAX_ATTEMPTS", "3");
    env.put("SENDER_HTTP_TIMEOUT", "2s");
    env.put("SENDER_POLL_TIMEOUT", "100ms");
    env.put("SENDER_ON_AMBIGUOUS_OUTCOME", "fail");
    env.put("SENDER_MESSAGES_PER_SECOND", "10");
    env.put("SENDER_RECIPIENT_INTERVAL", "2s");
    env.put("SENDER_RATE_LIMIT_BACKOFF", "3s");
    env.put("SENDER_RECIPIENT_BACKOFF", "4s");
    env.put("SENDER_FATAL_RETRY_INTERVAL", "1m");
    env.put("SENDER_REJECTIONS_GROUP_ID", "r1");

    SenderConfig config = SenderConfig.fromEnv(new Env(env), Platform.TELEGRAM);

    assertThat(config.onAmbiguousOutcome())
        .isEqualTo(org.schedmsg.sender.core.retry.AmbiguousOutcomePolicy.FAIL);
    assertThat(config.throttle())
        .isEqualTo(
            new org.schedmsg.sender.core.throttle.ThrottleSettings(
                10,
                Duration.ofSeconds(2),
                Duration.ofSeconds(3),
                Duration.ofSeconds(4),
                Duration.ofMinutes(1)));
    assertThat(config.rejectionsGroupId()).isEqualTo("r1");
    assertThat(config.rejectionConsumerProperties()).containsEntry("group.id", "r1");

    assertThat(config.databaseUser()).isEqualTo("schedmsg_sender");
    assertThat(config.databasePassword()).isEqualTo("pw");
    assertThat(config.groupId()).isEqualTo("g1");
    assertThat(config.maxAttempts()).isEqualTo(3);
    assertThat(config.httpTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.pollTimeout()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void shouldNameKeyWhenRequiredKeyMissing() {
    for (String key : new String[] {"DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS"}) {
      Map<String, String> env = required();
      env.remove(key);

      assertThatThrownBy(() -> SenderConfig.fromEnv(new Env(env), Platform.TELEGRAM))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(key);
    }
  }

  @Test
  void shouldNameKeyButNotValueWhenValueInvalid() {
    Map<String, String> env = required();
    env.put("DATABASE_URL", "mysql://secret-host/db");
    assertThatThrownBy(() -> SenderConfig.fromEnv(new Env(env), Platform.TELEGRAM))
        .hasMessageContaining("DATABASE_URL")
        .hasMessageNotContaining("secret-host");

    Map<String, String> attempts = required();
    attempts.put("SENDER_MAX_ATTEMPTS", "0");
    assertThatThrownBy(() -> SenderConfig.fromEnv(new Env(attempts), Platform.TELEGRAM))
        .hasMessageContaining("SENDER_MAX_ATTEMPTS");

    Map<String, String> timeout = required();
    timeout.put("SENDER_HTTP_TIMEOUT", "0s");
    assertThatThrownBy(() -> SenderConfig.fromEnv(new Env(timeout), Platform.TELEGRAM))
        .hasMessageContaining("SENDER_HTTP_TIMEOUT");

    Map<String, String> namespace = required();
    namespace.put("TOPIC_NAMESPACE", "bad name!");
    assertThatThrownBy(() -> SenderConfig.fromEnv(new Env(namespace), Platform.TELEGRAM))
        .hasMessageContaining("TOPIC_NAMESPACE")
        .hasMessageNotContaining("bad name!");
  }

  @Test
  void shouldHidePasswordWhenPrinted() {
    Map<String, String> env = required();
    env.put("DATABASE_URL", "jdbc:postgresql://db/schedmsg?password=url-secret");
    env.put("DATABASE_PASSWORD", "s3cret-password");

    String printed = SenderConfig.fromEnv(new Env(env), Platform.TELEGRAM).toString();

    assertThat(printed)
        .doesNotContain("s3cret-password")
        .doesNotContain("url-secret")
        .contains("jdbc:postgresql://db/schedmsg");
  }

  @Test
  void shouldPutTlsSettingsIntoJdbcUrlAndHideThemWhenSslKeysSet(@TempDir Path dir)
      throws IOException {
    Map<String, String> env = required();
    env.put("DATABASE_SSL_ROOT_CERT", Files.writeString(dir.resolve("ca.pem"), "ca").toString());
    env.put("DATABASE_SSL_CERT", Files.writeString(dir.resolve("s.crt"), "c").toString());
    env.put("DATABASE_SSL_KEY", Files.writeString(dir.resolve("s.p12"), "k").toString());
    env.put("DATABASE_SSL_KEY_PASSWORD", "key-secret-pw");

    SenderConfig config = SenderConfig.fromEnv(new Env(env), Platform.TELEGRAM);

    assertThat(config.databaseUrl())
        .startsWith("jdbc:postgresql://db:5432/schedmsg?sslmode=verify-full&sslrootcert=")
        .contains("&sslcert=", "&sslkey=", "&sslpassword=key-secret-pw");
    assertThat(config.toString()).doesNotContain("key-secret-pw").doesNotContain("sslkey");
  }

  @Test
  void shouldReadCommittedWithManualCommitsWhenBuildingConsumerProperties() {
    Properties props =
        SenderConfig.fromEnv(new Env(required()), Platform.TELEGRAM).consumerProperties();

    assertThat(props)
        .containsEntry("bootstrap.servers", "kafka:9092")
        .containsEntry("group.id", "schedmsg-sender-telegram")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", "false")
        .containsEntry("auto.offset.reset", "earliest")
        .containsEntry("max.poll.records", "100")
        .containsEntry("max.poll.interval.ms", "300000");
  }

  @Test
  void shouldListEveryKeyWithDefaultWhenReadmeDocumentsConfig() throws Exception {
    Map<String, String> table = ReadmeConfigTable.read(Path.of("README.md"));

    assertThat(table.keySet()).containsExactlyElementsOf(SenderConfig.KEYS);
    assertThat(table)
        .containsEntry("DATABASE_URL", "(required)")
        .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "(required)")
        .containsEntry("TOPIC_NAMESPACE", org.schedmsg.contracts.Topics.DEFAULT_NAMESPACE)
        .containsEntry(
            "SENDER_GROUP_ID",
            SenderConfig.defaultGroupId("<namespace>", Platform.TELEGRAM)
                .replace("telegram", "<platform>"))
        .containsEntry("SENDER_MAX_ATTEMPTS", String.valueOf(SenderConfig.DEFAULT_MAX_ATTEMPTS))
        .containsEntry(
            "SENDER_HTTP_TIMEOUT", ReadmeConfigTable.format(SenderConfig.DEFAULT_HTTP_TIMEOUT))
        .containsEntry(
            "SENDER_POLL_TIMEOUT", ReadmeConfigTable.format(SenderConfig.DEFAULT_POLL_TIMEOUT))
        .containsEntry(
            "SENDER_ON_AMBIGUOUS_OUTCOME", SenderConfig.DEFAULT_ON_AMBIGUOUS_OUTCOME.id())
        .containsEntry(
            "SENDER_MESSAGES_PER_SECOND",
            SenderConfig.DEFAULT_TELEGRAM_MESSAGES_PER_SECOND
                + " (Telegram), "
                + SenderConfig.DEFAULT_WHATSAPP_MESSAGES_PER_SECOND
                + " (WhatsApp)")
        .containsEntry(
            "SENDER_RECIPIENT_INTERVAL",
            ReadmeConfigTable.format(SenderConfig.DEFAULT_TELEGRAM_RECIPIENT_INTERVAL)
                + " (Telegram), "
                + ReadmeConfigTable.format(SenderConfig.DEFAULT_WHATSAPP_RECIPIENT_INTERVAL)
                + " (WhatsApp)")
        .containsEntry(
            "SENDER_RATE_LIMIT_BACKOFF",
            ReadmeConfigTable.format(SenderConfig.DEFAULT_RATE_LIMIT_BACKOFF))
        .containsEntry(
            "SENDER_RECIPIENT_BACKOFF",
            ReadmeConfigTable.format(SenderConfig.DEFAULT_RECIPIENT_BACKOFF))
        .containsEntry(
            "SENDER_FATAL_RETRY_INTERVAL",
            ReadmeConfigTable.format(SenderConfig.DEFAULT_FATAL_RETRY_INTERVAL))
        .containsEntry(
            "SENDER_REJECTIONS_GROUP_ID",
            SenderConfig.defaultRejectionsGroupId("<namespace>", Platform.TELEGRAM)
                .replace("telegram", "<platform>"));
  }

  @Test
  void shouldUsePlatformRatesWhenRatesNotSet() {
    assertThat(SenderConfig.fromEnv(new Env(required()), Platform.TELEGRAM).throttle())
        .satisfies(
            t -> {
              assertThat(t.messagesPerSecond()).isEqualTo(30);
              assertThat(t.recipientInterval()).isEqualTo(java.time.Duration.ofSeconds(1));
            });
    assertThat(SenderConfig.fromEnv(new Env(required()), Platform.WHATSAPP).throttle())
        .satisfies(
            t -> {
              assertThat(t.messagesPerSecond()).isEqualTo(80);
              assertThat(t.recipientInterval()).isZero();
            });
  }

  @Test
  void shouldNameKeyWhenRateOrPolicyIsInvalid() {
    Map<String, String> tooFast = new java.util.HashMap<>(required());
    tooFast.put("SENDER_MESSAGES_PER_SECOND", "20001");
    Map<String, String> badPolicy = new java.util.HashMap<>(required());
    badPolicy.put("SENDER_ON_AMBIGUOUS_OUTCOME", "maybe");

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SenderConfig.fromEnv(new Env(tooFast), Platform.WHATSAPP))
        .hasMessageContaining("SENDER_MESSAGES_PER_SECOND");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SenderConfig.fromEnv(new Env(badPolicy), Platform.WHATSAPP))
        .hasMessageContaining("SENDER_ON_AMBIGUOUS_OUTCOME")
        .hasMessageNotContaining("maybe");
  }

  @Test
  void shouldRefuseBatchThatCouldOutlastPollIntervalWhenEveryCallTimesOut() {
    Map<String, String> slow = new java.util.HashMap<>(required());
    slow.put("SENDER_BATCH_SIZE", "500");
    slow.put("SENDER_SEND_CONCURRENCY", "2");
    slow.put("SENDER_HTTP_TIMEOUT", "10s");
    Map<String, String> fine = new java.util.HashMap<>(required());
    fine.put("SENDER_BATCH_SIZE", "500");
    fine.put("SENDER_SEND_CONCURRENCY", "50");

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SenderConfig.fromEnv(new Env(slow), Platform.TELEGRAM))
        .hasMessageContaining("SENDER_BATCH_SIZE");
    SenderConfig config = SenderConfig.fromEnv(new Env(fine), Platform.TELEGRAM);
    assertThat(config.batchSize()).isEqualTo(500);
    assertThat(config.sendConcurrency()).isEqualTo(50);
    assertThat(config.consumerProperties()).containsEntry("max.poll.records", "500");
  }

  @Test
  void shouldStartBothConsumersFromSharedKafkaSettingsWhenSecurityConfigured() {
    Map<String, String> env = required();
    env.put("KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL");
    env.put("KAFKA_CLIENT_SASL_JAAS_CONFIG", "ScramLoginModule required password=\"kafka-pw\";");
    SenderConfig config = SenderConfig.fromEnv(new Env(env), Platform.TELEGRAM);

    for (Properties props :
        List.of(config.consumerProperties(), config.rejectionConsumerProperties())) {
      assertThat(props)
          .containsEntry("security.protocol", "SASL_SSL")
          .containsKey("sasl.jaas.config")
          .containsEntry("isolation.level", "read_committed")
          .containsEntry("enable.auto.commit", "false");
    }
    assertThat(config.toString()).contains("security.protocol=SASL_SSL").doesNotContain("kafka-pw");
  }

  @Test
  void shouldRefuseToStartWhenSharedKafkaSettingsReadUncommitted() {
    Map<String, String> env = required();
    env.put("KAFKA_CLIENT_ISOLATION_LEVEL", "read_uncommitted");

    assertThatThrownBy(() -> SenderConfig.fromEnv(new Env(env), Platform.WHATSAPP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KAFKA_CLIENT_ISOLATION_LEVEL")
        .hasMessageContaining("isolation.level");
  }

  @Test
  void shouldReadDatabasePasswordFromFileWhenFileVariableSet(@TempDir Path dir) throws IOException {
    Map<String, String> env = required();
    env.put("DATABASE_PASSWORD_FILE", Files.writeString(dir.resolve("pw"), "db-pw\n").toString());

    assertThat(SenderConfig.fromEnv(new Env(env), Platform.TELEGRAM).databasePassword())
        .isEqualTo("db-pw");
  }
}

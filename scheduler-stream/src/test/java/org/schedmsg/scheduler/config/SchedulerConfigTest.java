package org.schedmsg.scheduler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.SettingsReadme;

class SchedulerConfigTest {
  static final Map<String, String> MINIMAL = Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092");

  @Test
  void shouldUseDefaultsWhenOnlyBootstrapServersSet() {
    SchedulerConfig config = SchedulerConfig.fromEnv(new Env(MINIMAL));

    assertThat(config.bootstrapServers()).isEqualTo("broker:9092");
    assertThat(config.topicNamespace()).isEqualTo(Topics.DEFAULT_NAMESPACE);
    assertThat(config.applicationId()).isEqualTo("schedmsg-scheduler");
    assertThat(config.stateDir())
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "schedmsg-scheduler"));
    assertThat(config.punctuateInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(config.commitInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(config.maxReleasesPerPunctuation()).isEqualTo(1000);
    assertThat(config.lease()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.retryBackoffBase()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.retryBackoffMax()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.replicationFactor()).isEqualTo(-1);
    assertThat(config.maxAttempts()).isEqualTo(5);
    assertThat(config.releaseRate(Platform.TELEGRAM)).isEqualTo(30);
    assertThat(config.releaseRate(Platform.WHATSAPP)).isEqualTo(80);
    assertThat(config.standbyReplicas()).isZero();
    assertThat(config.sessionTimeout()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void shouldReadEveryKeyWhenSet() {
    Map<String, String> env = new HashMap<>(MINIMAL);
    env.put("TOPIC_NAMESPACE", "test-7");
    env.put("SCHEDULER_STATE_DIR", "/var/lib/scheduler");
    env.put("SCHEDULER_PUNCTUATE_INTERVAL", "250ms");
    env.put("SCHEDULER_MAX_RELEASES_PER_PUNCTUATION", "10");
    env.put("SCHEDULER_LEASE", "1m");
    env.put("SCHEDULER_REPLICATION_FACTOR", "3");
    env.put("SCHEDULER_MAX_ATTEMPTS", "7");
    env.put("SCHEDULER_TELEGRAM_RELEASE_RATE", "20");
    env.put("SCHEDULER_WHATSAPP_RELEASE_RATE", "250");
    env.put("SCHEDULER_STANDBY_REPLICAS", "1");
    env.put("SCHEDULER_SESSION_TIMEOUT", "12s");

    SchedulerConfig config = SchedulerConfig.fromEnv(new Env(env));

    assertThat(config.applicationId()).isEqualTo("test-7-scheduler");
    assertThat(config.topics().cdc().name()).isEqualTo("test-7.cdc.scheduled-messages.v1");
    assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/scheduler"));
    assertThat(config.punctuateInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.maxReleasesPerPunctuation()).isEqualTo(10);
    assertThat(config.lease()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.replicationFactor()).isEqualTo(3);
    assertThat(config.maxAttempts()).isEqualTo(7);
    assertThat(config.releaseRate(Platform.TELEGRAM)).isEqualTo(20);
    assertThat(config.releaseRate(Platform.WHATSAPP)).isEqualTo(250);
    assertThat(config.toStreamsProperties())
        .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1)
        .containsEntry("consumer.session.timeout.ms", 12_000)
        .containsEntry("consumer.heartbeat.interval.ms", 4_000);
  }

  @ParameterizedTest
  @CsvSource({
    "SCHEDULER_PUNCTUATE_INTERVAL, 0ms",
    "SCHEDULER_COMMIT_INTERVAL, -5s",
    "SCHEDULER_LEASE, soon-ish",
    "SCHEDULER_MAX_RELEASES_PER_PUNCTUATION, 0",
    "SCHEDULER_MAX_RELEASES_PER_PUNCTUATION, lots",
    "SCHEDULER_RETRY_BACKOFF_MAX, 1ms",
    "SCHEDULER_REPLICATION_FACTOR, 0",
    "SCHEDULER_MAX_ATTEMPTS, 0",
    "SCHEDULER_TELEGRAM_RELEASE_RATE, 0",
    "SCHEDULER_WHATSAPP_RELEASE_RATE, fast",
    "SCHEDULER_STANDBY_REPLICAS, -1",
    "SCHEDULER_SESSION_TIMEOUT, 0s",
    "SCHEDULER_APPLICATION_ID, bad/id",
    "TOPIC_NAMESPACE, bad namespace"
  })
  void shouldNameKeyButNotValueWhenValueIsBad(String key, String value) {
    Map<String, String> env = new HashMap<>(MINIMAL);
    env.put(key, value);

    assertThatThrownBy(() -> SchedulerConfig.fromEnv(new Env(env)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key)
        .hasMessageNotContaining(value);
  }

  @Test
  void shouldNameKeyWhenBootstrapServersMissing() {
    assertThatThrownBy(() -> SchedulerConfig.fromEnv(new Env(Map.of())))
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
  }

  @Test
  void shouldAskForExactlyOnceWhenTurnedIntoStreamsProperties() {
    Properties props = SchedulerConfig.fromEnv(new Env(MINIMAL)).toStreamsProperties();

    assertThat(props)
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "schedmsg-scheduler")
        .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100L)
        .containsEntry(
            StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
            DeadLetterUndecodableRecordHandler.class)
        .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 0)
        .containsEntry(
            DeadLetterUndecodableRecordHandler.TOPIC_PROPERTY, "schedmsg.cdc.dead-letter.v1")
        .doesNotContainKeys(
            StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG,
            StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG);
    assertThat(new StreamsConfig(props).getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
  }

  @Test
  void shouldListEveryKeyWhenKeysDeclared() throws IllegalAccessException {
    for (Field field : SchedulerConfig.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        assertThat(SchedulerConfig.KEYS).contains((String) field.get(null));
      }
    }
    for (Platform platform : Platform.values()) {
      assertThat(SchedulerConfig.KEYS)
          .contains(SchedulerConfig.releaseRateKey(platform))
          .contains(SchedulerConfig.senderGroupKey(platform));
    }
  }

  @Test
  void shouldMatchReadmeSettingsTableWhenGenerated() {
    SettingsReadme.requireCurrent(Path.of("README.md"), SchedulerConfig.DEFINITION);
  }

  @Test
  void shouldPrintEverySettingWithComputedDefaultsWhenRead() {
    String line = SchedulerConfig.read(new Env(MINIMAL)).toString();

    assertThat(line)
        .contains("SCHEDULER_APPLICATION_ID=schedmsg-scheduler")
        .contains("SCHEDULER_TELEGRAM_SENDER_GROUP=schedmsg-sender-telegram")
        .contains("SCHEDULER_LEASE=30s")
        .contains("KAFKA_CLIENT_CONFIG_FILE=<none>");
    assertThat(line.split(", ")).hasSameSizeAs(SchedulerConfig.KEYS);
  }
}

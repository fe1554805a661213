package org.schedmsg.scheduler.backlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.scheduler.processor.SenderBacklog;

/** The senders' backlog measured on a real broker: end offsets minus the group's commits. */
class SenderLagMonitorIT {
  private final TestInfrastructure infra = TestInfrastructure.shared();

  @Test
  void shouldCountRecordsTheSenderGroupHasNotCommittedWhenMeasured() throws Exception {
    Topics topics = infra.newTopics();
    String topic = topics.delivery(Platform.TELEGRAM).name();
    String group = TestInfrastructure.uniqueName("sender-telegram");
    produce(topic, 10);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    try (SenderLagMonitor monitor = monitor(topic, group, registry)) {
      monitor.measureAll();
      SenderBacklog.Measurement before = monitor.latest(Platform.TELEGRAM);

      int consumed = consumeAndCommit(topic, group, 4);
      monitor.measureAll();
      SenderBacklog.Measurement after = monitor.latest(Platform.TELEGRAM);

      assertThat(before.unsent())
          .as("a group that committed nothing has everything to do")
          .isEqualTo(10);
      assertThat(after.unsent()).isEqualTo(10 - consumed);
      assertThat(after.sequence()).isGreaterThan(before.sequence());
      assertThat(before.donePerSecond()).as("one measurement has no rate yet").isNaN();
      assertThat(after.donePerSecond()).as("the group's commits drained records").isPositive();
      assertThat(
              registry
                  .get("schedmsg.scheduler.sender.unsent")
                  .tag("platform", "telegram")
                  .gauge()
                  .value())
          .isEqualTo(10.0 - consumed);
    }
  }

  @Test
  void shouldReportUnknownWhenTopicDoesNotExist() {
    String group = TestInfrastructure.uniqueName("sender-telegram");
    try (SenderLagMonitor monitor =
        monitor(TestInfrastructure.uniqueName("no-such-topic"), group, new SimpleMeterRegistry())) {
      monitor.measureAll();

      assertThat(monitor.latest(Platform.TELEGRAM)).isNull();
    }
  }

  private SenderLagMonitor monitor(String topic, String group, SimpleMeterRegistry registry) {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    return SenderLagMonitor.start(
        Admin.create(config),
        Map.of(Platform.TELEGRAM, new SenderLagMonitor.Target(topic, group)),
        Duration.ofHours(1), // measured by the test's own calls after the first
        registry);
  }

  private void produce(String topic, int count) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, "key-" + i, "{}"));
      }
      producer.flush();
    }
  }

  /** Consumes at least {@code atLeast} records in {@code group}, commits, returns how many. */
  private int consumeAndCommit(String topic, String group, int atLeast) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, atLeast);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      int[] consumed = {0};
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumed[0] += consumer.poll(Duration.ofMillis(200)).count();
                return consumed[0] >= atLeast;
              });
      consumer.commitSync();
      return consumed[0];
    }
  }
}

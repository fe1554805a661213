package org.schedmsg.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.scheduler.config.DeadLetterUndecodableRecordHandler;
import org.schedmsg.scheduler.config.SchedulerConfig;

/**
 * Under exactly-once on a real broker (the test driver cannot show this), an undecodable CDC record
 * reaches the dead-letter topic with its coordinates, visible to a read-committed consumer.
 */
class SchedulerDeadLetterIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path dir;
  private SchedulerService service;

  @AfterEach
  void tearDown() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void shouldDeadLetterWithCoordinatesWhenRecordIsUndecodableUnderExactlyOnce() throws Exception {
    TestInfrastructure infra = TestInfrastructure.shared();
    Topics topics = infra.newTopics();
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("SCHEDULER_APPLICATION_ID", TestInfrastructure.uniqueName("scheduler"));
    env.put("SCHEDULER_STATE_DIR", dir.toString());
    env.put("SCHEDULER_REPLICATION_FACTOR", "1");
    service = SchedulerService.start(SchedulerConfig.fromEnv(new Env(env)));
    await().atMost(TIMEOUT).until(service::isRunning);

    byte[] value = "{not json".getBytes(StandardCharsets.UTF_8);
    int partition =
        produce(infra, topics.cdc().name(), "k-1".getBytes(StandardCharsets.UTF_8), value);

    List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(infra, topics)) {
      await()
          .atMost(TIMEOUT)
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(500)).forEach(dead::add);
                return !dead.isEmpty();
              });
    }
    ConsumerRecord<byte[], byte[]> record = dead.get(0);
    assertThat(record.value()).isEqualTo(value);
    assertThat(header(record, DeadLetterUndecodableRecordHandler.HEADER_TOPIC))
        .isEqualTo(topics.cdc().name());
    assertThat(header(record, DeadLetterUndecodableRecordHandler.HEADER_PARTITION))
        .isEqualTo(Integer.toString(partition));
    assertThat(header(record, DeadLetterUndecodableRecordHandler.HEADER_OFFSET)).isNotBlank();
  }

  /** Produces the record; returns the partition it landed on. */
  private static int produce(TestInfrastructure infra, String topic, byte[] key, byte[] value)
      throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      return producer.send(new ProducerRecord<>(topic, key, value)).get().partition();
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(TestInfrastructure infra, Topics topics) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, TestInfrastructure.uniqueName("observer"));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topics.cdcDeadLetters().name()));
    return consumer;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}

package org.schedmsg.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.Topic;
import org.schedmsg.contracts.Topics;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two scheduler instances ({@link App} in child JVMs) share the work of one application id; the one
 * releasing a burst is killed with SIGKILL mid-burst and the other releases the rest. Every message
 * is released at least once (duplicates are allowed here: the senders' claim deduplicates).
 */
class SchedulerFailoverIT {
  private static final Logger log = LoggerFactory.getLogger(SchedulerFailoverIT.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(180);
  private static final int BURST = 400;
  private static final String RELEASING = "punctuation released=";

  @TempDir Path dir;
  private Topics topics;
  private String applicationId;
  private final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void setUp() {
    topics = TestInfrastructure.shared().newTopics();
    applicationId = TestInfrastructure.uniqueName("scheduler");
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (Process process : processes) {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void shouldReleaseEveryMessageWhenReleasingInstanceIsKilledMidBurst() throws Exception {
    Path logA = start("a");
    Path logB = start("b");
    await().atMost(TIMEOUT).until(() -> running(logA) && running(logB));

    Set<UUID> sent = produceBurst();
    Map<UUID, Integer> released = new HashMap<>();
    try (KafkaConsumer<String, DeliveryRequest> consumer = deliveryConsumer()) {
      await().atMost(TIMEOUT).until(() -> poll(consumer, released) >= BURST / 4);
      int releasedBeforeKill = released.size();
      Process active = read(logA).contains(RELEASING) ? processes.get(0) : processes.get(1);
      active.destroyForcibly();
      assertThat(active.waitFor(30, TimeUnit.SECONDS)).isTrue();

      await().atMost(TIMEOUT).until(() -> poll(consumer, released) >= BURST);

      assertThat(released.keySet()).containsExactlyInAnyOrderElementsOf(sent);
      assertThat(releasedBeforeKill).isLessThan(BURST);
      Path survivor = active == processes.get(0) ? logB : logA;
      assertThat(read(survivor)).contains(RELEASING);
      long duplicates = released.values().stream().filter(n -> n > 1).count();
      log.info(
          "failover: {} of {} released before the kill, {} released more than once",
          releasedBeforeKill,
          BURST,
          duplicates);
    }
  }

  private Set<UUID> produceBurst() {
    Topic<String, ScheduledMessageChange> cdc = topics.cdc();
    Properties props = new Properties();
    props.put(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.shared().bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    Set<UUID> ids = new HashSet<>();
    Instant due = Instant.now();
    try (KafkaProducer<String, ScheduledMessageChange> producer =
        new KafkaProducer<>(props, cdc.keySerde().serializer(), cdc.valueSerde().serializer())) {
      for (int i = 0; i < BURST; i++) {
        ScheduledMessage row =
            MessageRow.pendingAt(due).priority(1 + i % 9).deliveryWindow(null).build();
        ids.add(row.id());
        ScheduledMessageChange change =
            new ScheduledMessageChange(
                ScheduledMessageChange.SCHEMA_VERSION, "c", (long) i, due, row);
        producer.send(new ProducerRecord<>(cdc.name(), row.id().toString(), change));
      }
      producer.flush();
    }
    return ids;
  }

  private KafkaConsumer<String, DeliveryRequest> deliveryConsumer() {
    Topic<String, DeliveryRequest> telegram = topics.delivery(Platform.TELEGRAM);
    Properties props = new Properties();
    props.put(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.shared().bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, TestInfrastructure.uniqueName("observer"));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, DeliveryRequest> consumer =
        new KafkaConsumer<>(
            props, telegram.keySerde().deserializer(), telegram.valueSerde().deserializer());
    consumer.subscribe(List.of(telegram.name()));
    return consumer;
  }

  /** Polls once; returns how many distinct messages were released so far. */
  private static int poll(
      KafkaConsumer<String, DeliveryRequest> consumer, Map<UUID, Integer> released) {
    for (ConsumerRecord<String, DeliveryRequest> record : consumer.poll(Duration.ofMillis(500))) {
      released.merge(record.value().messageId(), 1, Integer::sum);
    }
    return released.size();
  }

  private Path start(String name) throws IOException {
    Path output = dir.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                App.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    env.put("KAFKA_BOOTSTRAP_SERVERS", TestInfrastructure.shared().bootstrapServers());
    env.put("TOPIC_NAMESPACE", topics.namespace());
    env.put("SCHEDULER_APPLICATION_ID", applicationId);
    env.put("SCHEDULER_STATE_DIR", dir.resolve("state-" + name).toString());
    env.put("SCHEDULER_TELEGRAM_RELEASE_RATE", "40");
    env.put("SCHEDULER_STANDBY_REPLICAS", "1");
    env.put("SCHEDULER_SESSION_TIMEOUT", "10s");
    env.put("SCHEDULER_REPLICATION_FACTOR", "1");
    // any free port: two instances on one host, and a taken ops port ends the app with status 1
    env.put("OPS_PORT", "0");
    processes.add(builder.start());
    return output;
  }

  private static boolean running(Path log) throws IOException {
    return read(log).contains("-> RUNNING");
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }
}

package org.schedmsg.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.schedmsg.contracts.Topics;

/**
 * When the scheduler released each message (the delivery records' {@code schedmsg-released-at}
 * header, read_committed, without a consumer group): evidence for where a priority inversion at a
 * platform came from. Reads headers only, never values.
 */
final class ReleaseLog {
  /** The scheduler's own bound across tasks: one punctuation (SCHEDULER_PUNCTUATE_INTERVAL). */
  static final Duration RELEASE_TOLERANCE = Duration.ofMillis(100);

  private final String bootstrapServers;

  ReleaseLog(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  /** The first release instant of every message on both delivery topics. */
  Map<UUID, Instant> firstReleases() {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("isolation.level", "read_committed");
    props.put("enable.auto.commit", "false");
    Map<UUID, Instant> releases = new HashMap<>();
    Topics topics = Topics.of(Topics.DEFAULT_NAMESPACE);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (org.schedmsg.contracts.Platform platform : org.schedmsg.contracts.Platform.values()) {
        String topic = topics.delivery(platform).name();
        consumer
            .partitionsFor(topic, Duration.ofSeconds(10))
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline && !caughtUp(consumer, end)) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          String id = header(record, "schedmsg-message-id");
          String released = header(record, "schedmsg-released-at");
          if (id != null && released != null) {
            releases.merge(
                UUID.fromString(id), Instant.parse(released), (a, b) -> a.isBefore(b) ? a : b);
          }
        }
      }
    }
    return releases;
  }

  private static boolean caughtUp(
      KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /**
   * Pairs of rows due together where the more urgent was released more than {@code tolerance} after
   * the less urgent (the scheduler's share of an inversion at the platform).
   */
  static int releaseInversions(
      List<RowState> rows, Map<UUID, Instant> releases, Duration tolerance) {
    int inversions = 0;
    for (RowState urgent : rows) {
      for (RowState other : rows) {
        Instant u = releases.get(urgent.id());
        Instant o = releases.get(other.id());
        if (urgent.groupKey() != null
            && urgent.groupKey().equals(other.groupKey())
            && urgent.platform().equals(other.platform())
            && u != null
            && o != null
            && urgent.priority() < other.priority()
            && u.isAfter(o.plus(tolerance))) {
          inversions++;
        }
      }
    }
    return inversions;
  }
}

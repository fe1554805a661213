package org.schedmsg.cli.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/** A consumer group's position on one topic: committed offsets, end offsets, members. */
public final class ConsumerGroupOffsets implements AutoCloseable {
  private static final long TIMEOUT_SECONDS = 30;
  private final Admin admin;

  public ConsumerGroupOffsets(Properties kafka) {
    this.admin = Admin.create(kafka);
  }

  public List<TopicPartition> partitions(String topic) throws Exception {
    return get(admin.describeTopics(List.of(topic)).allTopicNames())
        .get(topic)
        .partitions()
        .stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }

  /** Committed offsets of {@code group} on {@code topic} (partitions without one are absent). */
  public Map<TopicPartition, Long> committed(String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> all =
        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
    Map<TopicPartition, Long> offsets = new HashMap<>();
    all.forEach(
        (tp, om) -> {
          if (tp.topic().equals(topic) && om != null) {
            offsets.put(tp, om.offset());
          }
        });
    return offsets;
  }

  public Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
    return offsets(topic, OffsetSpec.latest());
  }

  /** The first offset at or after {@code from} per partition (the end when none is). */
  public Map<TopicPartition, Long> offsetsAt(String topic, Instant from) throws Exception {
    Map<TopicPartition, Long> atTime = offsets(topic, OffsetSpec.forTimestamp(from.toEpochMilli()));
    Map<TopicPartition, Long> end = endOffsets(topic);
    atTime.replaceAll((tp, offset) -> offset < 0 ? end.get(tp) : offset);
    return atTime;
  }

  private Map<TopicPartition, Long> offsets(String topic, OffsetSpec spec) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions(topic).forEach(tp -> request.put(tp, spec));
    Map<TopicPartition, Long> result = new HashMap<>();
    get(admin.listOffsets(request).all()).forEach((tp, info) -> result.put(tp, info.offset()));
    return result;
  }

  /** Number of members currently in {@code group} (0 when it does not exist). */
  public int activeMembers(String group) throws Exception {
    try {
      ConsumerGroupDescription description =
          get(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group));
      return description.members().size();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return 0;
      }
      throw e;
    }
  }

  /** Moves {@code group}'s committed offsets; the broker refuses while the group has members. */
  public void reset(String group, Map<TopicPartition, Long> offsets) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> request = new HashMap<>();
    offsets.forEach((tp, offset) -> request.put(tp, new OffsetAndMetadata(offset)));
    get(admin.alterConsumerGroupOffsets(group, request).all());
  }

  private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future)
      throws InterruptedException, ExecutionException, TimeoutException {
    return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(10));
  }
}

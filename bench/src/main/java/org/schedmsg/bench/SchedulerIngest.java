package org.schedmsg.bench;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How many CDC records the pipeline's scheduler has taken into its state: the committed offsets of
 * its Streams application (the consumer group named by its application id) on the CDC topic. With
 * exactly-once a committed offset means the records before it are in the state store. The CDC
 * producer is not transactional, so offsets count records. Each inserted row is one CDC record
 * (later updates of a row, e.g. when it is sent, are further records).
 */
final class SchedulerIngest implements IngestProgress, AutoCloseable {
  private final Admin admin;
  private final String groupId;
  private final String cdcTopic;

  SchedulerIngest(String bootstrapServers, String groupId, String cdcTopic) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    this.admin = Admin.create(props);
    this.groupId = groupId;
    this.cdcTopic = cdcTopic;
  }

  @Override
  public long ingested() {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(groupId)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      return offsets.entrySet().stream()
          .filter(e -> e.getKey().topic().equals(cdcTopic) && e.getValue() != null)
          .mapToLong(e -> e.getValue().offset())
          .sum();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}

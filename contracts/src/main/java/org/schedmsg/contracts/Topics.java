package org.schedmsg.contracts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.schedmsg.contracts.serde.JsonSerde;

/**
 * The catalog of topics this system owns. Names follow {@code <namespace>.<kind>.<subject>.v<N>};
 * the namespace (default {@value #DEFAULT_NAMESPACE}) lets several installations, or tests, share a
 * cluster.
 *
 * @param cdc row changes of {@code scheduled_messages}, keyed by message id (compacted)
 * @param deliveries each platform's released deliveries ({@code <namespace>.delivery.<platform
 *     id>.v1}), keyed by recipient id; every {@link Platform} has one
 * @param cdcOffsets the CDC ingestor's Debezium offsets (internal, compacted)
 * @param rejections messages the scheduler will never release, keyed by message id; the senders
 *     write them {@code failed}
 * @param cdcDeadLetters CDC records the scheduler could not read: the original key and value bytes,
 *     with headers naming their topic, partition and offset
 * @param receipts the platforms' delivery receipts (WhatsApp: sent, delivered, read, failed), keyed
 *     by message id
 */
public record Topics(
    String namespace,
    Topic<String, ScheduledMessageChange> cdc,
    Map<Platform, Topic<String, DeliveryRequest>> deliveries,
    String cdcOffsets,
    Topic<String, RejectedMessage> rejections,
    Topic<byte[], byte[]> cdcDeadLetters,
    Topic<String, DeliveryReceipt> receipts) {

  public static final String DEFAULT_NAMESPACE = "schedmsg";

  /**
   * Partitions of a new CDC topic: up to this many scheduler instances share the work, each task
   * releasing its share of the rates (scheduler-stream, "Scaling out"). Priority order is strict
   * within a partition and holds to within one punctuation across partitions. An existing topic
   * keeps its count: adding partitions to a live CDC topic sends a row's later changes to another
   * partition than its earlier ones, and needs the reset described there.
   */
  public static final int CDC_PARTITIONS = 6;

  public static final int DELIVERY_PARTITIONS = 3;
  public static final Duration DELIVERY_RETENTION = Duration.ofDays(7);

  /** Header of CDC records naming their schema version. */
  public static final String CDC_SCHEMA_VERSION_HEADER = "schedmsg-schema-version";

  public Topics {
    Objects.requireNonNull(namespace, "namespace");
    EnumMap<Platform, Topic<String, DeliveryRequest>> every = new EnumMap<>(Platform.class);
    every.putAll(deliveries);
    if (every.size() != Platform.values().length) {
      throw new IllegalArgumentException("every platform needs a delivery topic");
    }
    deliveries = Collections.unmodifiableMap(every);
  }

  public static Topics of(String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    if (!namespace.matches("[a-zA-Z0-9._-]+")) {
      throw new IllegalArgumentException("topic namespace has characters Kafka forbids");
    }
    Serde<String> key = Serdes.String();
    Serde<DeliveryRequest> delivery = new JsonSerde<>(DeliveryRequest.class);
    Map<Platform, Topic<String, DeliveryRequest>> deliveries = new EnumMap<>(Platform.class);
    for (Platform platform : Platform.values()) {
      deliveries.put(
          platform, new Topic<>(namespace + ".delivery." + platform.id() + ".v1", key, delivery));
    }
    return new Topics(
        namespace,
        new Topic<>(
            namespace + ".cdc.scheduled-messages.v1",
            key,
            new JsonSerde<>(ScheduledMessageChange.class)),
        deliveries,
        namespace + ".cdc.offsets",
        new Topic<>(
            namespace + ".scheduler.rejections.v1", key, new JsonSerde<>(RejectedMessage.class)),
        new Topic<>(namespace + ".cdc.dead-letter.v1", Serdes.ByteArray(), Serdes.ByteArray()),
        new Topic<>(
            namespace + ".receipts.delivery-status.v1",
            key,
            new JsonSerde<>(DeliveryReceipt.class)));
  }

  public static Topics defaults() {
    return of(DEFAULT_NAMESPACE);
  }

  /** The delivery topic of {@code platform}. */
  public Topic<String, DeliveryRequest> delivery(Platform platform) {
    return deliveries.get(Objects.requireNonNull(platform, "platform"));
  }

  /**
   * The consumer group in which {@code platform}'s senders consume its delivery topic by default,
   * {@code <namespace>-sender-<platform>}: the senders use it, and the scheduler reads its lag to
   * hold releases back while the senders are behind.
   */
  public String senderGroupId(Platform platform) {
    return senderGroupId(namespace, platform);
  }

  /** {@link #senderGroupId(Platform)} of {@code namespace}, without checking the namespace. */
  public static String senderGroupId(String namespace, Platform platform) {
    return namespace + "-sender-" + platform.id();
  }

  /** Every platform's delivery topic, in {@link Platform} order. */
  public List<Topic<String, DeliveryRequest>> deliveryTopics() {
    return List.copyOf(deliveries.values());
  }

  /**
   * The descriptors of every topic this system owns: the one source of truth for their creation and
   * their documentation.
   */
  public List<TopicDescriptor> descriptors() {
    List<String> deliveryReaders =
        List.of("the platform's sender", "platform teams (read_committed)", "operators replaying");
    List<TopicDescriptor> descriptors = new ArrayList<>();
    descriptors.add(
        new TopicDescriptor(
            cdc.name(),
            "The current state of a scheduled_messages row after each insert, update or"
                + " snapshot read; a tombstone (null value) when the row is deleted.",
            "message id (UUID string): all changes of a row in order, one live record per row"
                + " after compaction",
            "scheduled-message-change.v1.schema.json",
            CdcRecordHeaders.ALL,
            CDC_PARTITIONS,
            true,
            null,
            "cdc-ingestor",
            List.of("scheduler-stream", "operators rebuilding scheduler state")));
    for (Platform platform : Platform.values()) {
      descriptors.add(delivery(delivery(platform), platform.displayName(), deliveryReaders));
    }
    List<String> rejectionReaders = new ArrayList<>();
    for (Platform platform : Platform.values()) {
      rejectionReaders.add("sender-" + platform.id());
    }
    rejectionReaders.add("operators");
    descriptors.addAll(
        List.of(
            new TopicDescriptor(
                rejections.name(),
                "A message the scheduler will never release (delivery window expired, maximum"
                    + " attempts, undeliverable row); the sender of its platform writes the row"
                    + " failed with the reason.",
                "message id (UUID string)",
                "rejected-message.v1.schema.json",
                List.of(),
                DELIVERY_PARTITIONS,
                false,
                DELIVERY_RETENTION,
                "scheduler-stream",
                rejectionReaders),
            new TopicDescriptor(
                receipts.name(),
                "A platform's delivery status of a message it accepted (WhatsApp webhook: sent,"
                    + " delivered, read, failed with the error code), after it was written to the row."
                    + " May repeat and arrive out of order: the highest of sent < delivered < read"
                    + " wins, failed is terminal.",
                "message id (UUID string): one message's receipts in order on one partition",
                "delivery-receipt.v1.schema.json",
                List.of(),
                DELIVERY_PARTITIONS,
                false,
                DELIVERY_RETENTION,
                "sender-whatsapp (webhook)",
                List.of("platform teams", "operators")),
            new TopicDescriptor(
                cdcDeadLetters.name(),
                "A CDC record the scheduler could not read: its original key and value bytes.",
                "the original record key (bytes)",
                null,
                List.of(
                    "headers naming the source topic, partition, offset and the exception class"),
                1,
                false,
                DELIVERY_RETENTION,
                "scheduler-stream",
                List.of("operators")),
            new TopicDescriptor(
                cdcOffsets,
                "Debezium's source offsets of the CDC ingestor (internal).",
                "Debezium's offset key",
                null,
                List.of(),
                1,
                true,
                null,
                "cdc-ingestor",
                List.of("cdc-ingestor"))));
    return List.copyOf(descriptors);
  }

  private static TopicDescriptor delivery(
      Topic<String, DeliveryRequest> topic, String platform, List<String> readers) {
    return new TopicDescriptor(
        topic.name(),
        "A " + platform + " message released by the scheduler at its due time, to be sent now.",
        "recipient id: one recipient's messages stay in order on one partition",
        "delivery-request.v1.schema.json",
        DeliveryHeaders.ALL,
        DELIVERY_PARTITIONS,
        false,
        DELIVERY_RETENTION,
        "scheduler-stream",
        readers);
  }
}

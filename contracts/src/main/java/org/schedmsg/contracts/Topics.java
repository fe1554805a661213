package org.schedmsg.contracts;

import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.schedmsg.contracts.serde.JsonSerde;

/**
 * The catalog of topics this system owns. Names follow {@code <namespace>.<kind>.<subject>.v<N>};
 * the namespace (default {@value #DEFAULT_NAMESPACE}) lets several installations, or tests, share
 * a cluster.
 *
 * @param cdc row changes of {@code scheduled_messages}, keyed by message id (compacted)
 * @param telegram released Telegram deliveries, keyed by recipient id
 * @param whatsapp released WhatsApp deliveries, keyed by recipient id
 * @param cdcOffsets the CDC ingestor's Debezium offsets (internal, compacted)
 * @param rejections messages the scheduler will never release, keyed by message id; the senders
 *     write them {@code failed}
 * @param cdcDeadLetters CDC records the scheduler could not read: the original key and value
 *     bytes, with headers naming their topic, partition and offset
 */
public record Topics(
    String namespace,
    Topic<String, ScheduledMessageChange> cdc,
    Topic<String, DeliveryRequest> telegram,
    Topic<String, DeliveryRequest> whatsapp,
    String cdcOffsets,
    Topic<String, RejectedMessage> rejections,
    Topic<byte[], byte[]> cdcDeadLetters) {

  public static final String DEFAULT_NAMESPACE = "schedmsg";

  public static Topics of(String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    if (!namespace.matches("[a-zA-Z0-9._-]+")) {
      throw new IllegalArgumentException("topic namespace has characters Kafka forbids");
    }
    Serde<String> key = Serdes.String();
    Serde<DeliveryRequest> delivery = new JsonSerde<>(DeliveryRequest.class);
    return new Topics(
        namespace,
        new Topic<>(
            namespace + ".cdc.scheduled-messages.v1",
            key,
            new JsonSerde<>(ScheduledMessageChange.class)),
        new Topic<>(namespace + ".delivery.telegram.v1", key, delivery),
        new Topic<>(namespace + ".delivery.whatsapp.v1", key, delivery),
        namespace + ".cdc.offsets",
        new Topic<>(
            namespace + ".scheduler.rejections.v1", key, new JsonSerde<>(RejectedMessage.class)),
        new Topic<>(
            namespace + ".cdc.dead-letter.v1", Serdes.ByteArray(), Serdes.ByteArray()));
  }

  public static Topics defaults() {
    return of(DEFAULT_NAMESPACE);
  }

  /** The delivery topic of {@code platform}. */
  public Topic<String, DeliveryRequest> delivery(Platform platform) {
    return switch (platform) {
      case TELEGRAM -> telegram;
      case WHATSAPP -> whatsapp;
    };
  }

  public List<Topic<String, DeliveryRequest>> deliveryTopics() {
    return List.of(telegram, whatsapp);
  }
}

package org.schedmsg.cli.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Topic;

/** Reads the committed delivery records of a topic between two offsets per partition. */
public final class DeliveryRecordReader {
  private final Properties kafka;

  public DeliveryRecordReader(Properties kafka) {
    this.kafka = kafka;
  }

  public List<DeliveryRequest> read(
      Topic<String, DeliveryRequest> topic,
      Map<TopicPartition, Long> from,
      Map<TopicPartition, Long> to) {
    Properties props = new Properties();
    props.putAll(kafka);
    props.put("isolation.level", "read_committed");
    props.put("enable.auto.commit", "false");
    List<DeliveryRequest> records = new ArrayList<>();
    try (KafkaConsumer<String, DeliveryRequest> consumer =
        new KafkaConsumer<>(
            props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      Instant deadline = Instant.now().plusSeconds(60);
      while (from.keySet().stream()
          .anyMatch(tp -> consumer.position(tp) < to.getOrDefault(tp, 0L))) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("could not read " + topic.name() + " within 60 s");
        }
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(
                r -> {
                  TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                  if (r.offset() < to.getOrDefault(tp, 0L) && r.value() != null) {
                    records.add(r.value());
                  }
                });
      }
    }
    return records;
  }
}

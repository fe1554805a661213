package org.schedmsg.contracts.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The example consumer of the README, compiled here so it cannot rot: {@code
 * ReadmeExampleConsumerTest} checks that the README shows this code between the markers.
 */
final class ExampleDeliveryConsumer {
  private ExampleDeliveryConsumer() {}

  static void run(String bootstrapServers, String groupId) throws Exception {
    // example:begin
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("group.id", groupId); // your own group: you never disturb the senders
    props.put("isolation.level", "read_committed"); // the scheduler writes transactionally
    props.put("enable.auto.commit", "false");
    props.put("auto.offset.reset", "earliest");
    ObjectMapper json = new ObjectMapper();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of("schedmsg.delivery.telegram.v1"));
      while (true) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
          Header id = record.headers().lastHeader("schedmsg-message-id"); // no parsing needed
          Header priority = record.headers().lastHeader("schedmsg-priority");
          JsonNode value = json.readTree(record.value()); // delivery-request.v1.schema.json
          String messageId = new String(id.value(), StandardCharsets.UTF_8);
          String released = value.path("released_at").asText(); // ignore unknown fields
          handle(messageId, new String(priority.value(), StandardCharsets.UTF_8), released);
        }
        consumer.commitSync();
      }
    }
    // example:end
  }

  private static void handle(String messageId, String priority, String releasedAt) {
    // a platform team's own logic: audit, analytics, ...
  }
}

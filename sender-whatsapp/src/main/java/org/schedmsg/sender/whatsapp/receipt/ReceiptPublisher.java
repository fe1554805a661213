package org.schedmsg.sender.whatsapp.receipt;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.schedmsg.contracts.DeliveryReceipt;
import org.schedmsg.contracts.Topic;
import org.schedmsg.contracts.config.KafkaClientSettings;

/**
 * Publishes receipts on the receipts topic, keyed by message id (one message's receipts stay in
 * order on one partition), idempotent producer with {@code acks=all}. {@link #publish} returns only
 * after the broker acknowledged every record, so the webhook answers 200 only then.
 */
public final class ReceiptPublisher implements AutoCloseable {
  static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaProducer<String, DeliveryReceipt> producer;
  private final Topic<String, DeliveryReceipt> topic;

  /**
   * A publisher on {@code topic} whose producer starts from {@code client} (the shared Kafka client
   * settings: security) and sets its own guarantees on top.
   */
  public ReceiptPublisher(
      String bootstrapServers, KafkaClientSettings client, Topic<String, DeliveryReceipt> topic) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "sender-whatsapp-receipts");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis());
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis() / 2);
    this.topic = topic;
    this.producer =
        new KafkaProducer<>(
            client.clientProperties("WhatsApp receipts producer", props),
            topic.keySerde().serializer(),
            topic.valueSerde().serializer());
  }

  /**
   * Sends {@code receipts} and waits for their acknowledgements.
   *
   * @throws IllegalStateException when the broker did not acknowledge them in time
   */
  public void publish(List<DeliveryReceipt> receipts) {
    List<Future<RecordMetadata>> acks =
        receipts.stream()
            .map(
                r -> producer.send(new ProducerRecord<>(topic.name(), r.messageId().toString(), r)))
            .toList();
    try {
      for (Future<RecordMetadata> ack : acks) {
        ack.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing receipts", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("receipts not acknowledged by Kafka; Meta will retry", e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}

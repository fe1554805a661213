package org.schedmsg.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.schedmsg.contracts.DeliveryHeaders;
import org.schedmsg.contracts.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the pipeline's releases: a bench-side consumer ({@code read_committed}, no group, from
 * the beginning) of a delivery topic records each message as released at the later of its {@code
 * schedmsg-released-at} header and the moment this consumer first saw it.
 *
 * <p>Why not the header alone: the scheduler runs with exactly-once v2, so a released record is
 * invisible to the sender's {@code read_committed} consumer until the Streams transaction commits
 * ({@code commit.interval.ms}, 100 ms by default, plus the commit itself; longer under load). The
 * header (and the record timestamp, which equals it) is when the scheduler decided; the message is
 * available to the sending code only once committed. A read_committed consumer polling continuously
 * in the same JVM sees it at about the moment the sender's consumer can, so that is the honest
 * release time; the header only bounds it from below (same clock). The gap (commit delay) is logged
 * when the recorder closes. The recorder runs in the bench JVM, so its (small) CPU counts in the
 * pipeline's JVM CPU.
 */
final class DeliveryTopicReleases implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeliveryTopicReleases.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ReleaseLog releases;
  private final Histogram commitDelay = Latencies.histogram();
  private final Thread thread;
  private volatile boolean running = true;

  DeliveryTopicReleases(String bootstrapServers, String topic, ReleaseLog releases) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-release-recorder-" + topic);
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.releases = releases;
    try {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    this.thread = new Thread(this::loop, "bench-release-recorder");
    thread.setDaemon(true);
    thread.start();
  }

  /** Every partition of {@code topic}, waiting for a just-created topic's metadata. */
  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    Instant deadline = Instant.now().plus(METADATA_TIMEOUT);
    while (true) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      if (partitions.size() >= Topics.DELIVERY_PARTITIONS) {
        return partitions;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("no partitions of " + topic + " after " + METADATA_TIMEOUT);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  private void loop() {
    try {
      while (running) {
        var records = consumer.poll(POLL);
        Instant seen = Instant.now();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          record(r, seen);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("release recorder failed; releases after this are missing", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void record(ConsumerRecord<byte[], byte[]> r, Instant seen) {
    String id = header(r, DeliveryHeaders.MESSAGE_ID);
    String releasedAt = header(r, DeliveryHeaders.RELEASED_AT);
    if (id == null || releasedAt == null) {
      return;
    }
    Instant decided = Instant.parse(releasedAt);
    Latencies.record(commitDelay, decided, seen);
    releases.released(UUID.fromString(id), seen.isAfter(decided) ? seen : decided);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(Duration.ofSeconds(10).toMillis());
    if (commitDelay.getTotalCount() > 0) {
      log.info(
          "release recorder: {} records; seen after the released-at header by p50 {} ms, p99 {} ms",
          commitDelay.getTotalCount(),
          Latencies.millis(commitDelay, 50),
          Latencies.millis(commitDelay, 99));
    }
  }
}

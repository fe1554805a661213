package org.schedmsg.scheduler.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CDC record that cannot be decoded is copied, unchanged (key and value bytes, original headers),
 * to the CDC dead-letter topic with headers naming its coordinates and the exception class, and
 * processing resumes with the next record. The dead-letter record is written in the same
 * exactly-once transaction as the input offset.
 *
 * <p>Unlike Kafka Streams' built-in dead-letter records, neither the exception message nor the
 * stack trace is attached, and nothing but coordinates is logged: a decoding error message may
 * quote the payload, which holds patient data.
 */
public final class DeadLetterUndecodableRecordHandler implements DeserializationExceptionHandler {
  /** Streams property naming the dead-letter topic (set by {@link SchedulerConfig}). */
  public static final String TOPIC_PROPERTY = "schedmsg.cdc.dead.letter.topic";

  /** Header names: the same as Kafka Streams' own dead-letter records use. */
  public static final String HEADER_TOPIC = "__streams.errors.topic";

  public static final String HEADER_PARTITION = "__streams.errors.partition";
  public static final String HEADER_OFFSET = "__streams.errors.offset";
  public static final String HEADER_EXCEPTION = "__streams.errors.exception";

  private static final Logger log =
      LoggerFactory.getLogger(DeadLetterUndecodableRecordHandler.class);

  private String deadLetterTopic;

  @Override
  public void configure(Map<String, ?> configs) {
    Object topic = configs.get(TOPIC_PROPERTY);
    if (topic == null || topic.toString().isBlank()) {
      throw new IllegalArgumentException("missing " + TOPIC_PROPERTY + " (set by SchedulerConfig)");
    }
    deadLetterTopic = topic.toString();
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    log.warn(
        "dead-lettering undecodable record topic={} partition={} offset={} task={} error={}"
            + " to {}",
        record.topic(),
        record.partition(),
        record.offset(),
        context.taskId(),
        exception.getClass().getName(),
        deadLetterTopic);
    return Response.resume(List.of(deadLetter(record, exception)));
  }

  private ProducerRecord<byte[], byte[]> deadLetter(
      ConsumerRecord<byte[], byte[]> record, Exception exception) {
    Headers headers = new RecordHeaders();
    for (Header header : record.headers()) {
      headers.add(header);
    }
    add(headers, HEADER_TOPIC, record.topic());
    add(headers, HEADER_PARTITION, Integer.toString(record.partition()));
    add(headers, HEADER_OFFSET, Long.toString(record.offset()));
    add(headers, HEADER_EXCEPTION, exception.getClass().getName());
    Long timestamp = record.timestamp() < 0 ? null : record.timestamp();
    return new ProducerRecord<>(
        deadLetterTopic, null, timestamp, record.key(), record.value(), headers);
  }

  private static void add(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}

package org.schedmsg.scheduler.config;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the coordinates of a record that cannot be decoded and skips it. Never logs the bytes (they
 * may hold patient data); the serdes of the topic catalog keep them out of exception messages.
 */
public final class SkipUndecodableRecordHandler implements DeserializationExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(SkipUndecodableRecordHandler.class);

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    log.warn(
        "skipping undecodable record topic={} partition={} offset={} task={} error={}: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        context.taskId(),
        exception.getClass().getSimpleName(),
        exception.getMessage());
    return Response.resume();
  }

  @Override
  public void configure(Map<String, ?> configs) {}
}

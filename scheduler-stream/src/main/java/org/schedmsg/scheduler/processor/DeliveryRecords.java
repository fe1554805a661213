package org.schedmsg.scheduler.processor;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.schedmsg.contracts.DeliveryHeaders;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.TraceContext;

/** Builds the record of one release: keyed by recipient id, with routing headers. */
final class DeliveryRecords {
  private DeliveryRecords() {}

  /** The release of {@code row} at {@code releasedAt}; the record timestamp is the release time. */
  static Record<String, DeliveryRequest> of(ScheduledMessage row, Instant releasedAt) {
    DeliveryRequest request = DeliveryRequest.of(row, releasedAt);
    return new Record<>(row.recipientId(), request, releasedAt.toEpochMilli(), headers(request));
  }

  static Headers headers(DeliveryRequest request) {
    Headers headers = new RecordHeaders();
    add(headers, DeliveryHeaders.MESSAGE_ID, request.messageId().toString());
    add(headers, DeliveryHeaders.PLATFORM, request.platform().id());
    add(headers, DeliveryHeaders.PRIORITY, Integer.toString(request.priority()));
    add(headers, DeliveryHeaders.ATTEMPTS, Integer.toString(request.attempts()));
    add(headers, DeliveryHeaders.SCHEMA_VERSION, Integer.toString(request.schemaVersion()));
    add(headers, DeliveryHeaders.SCHEDULED_TIME, request.scheduledTime().toString());
    add(headers, DeliveryHeaders.RELEASED_AT, request.releasedAt().toString());
    add(
        headers,
        DeliveryHeaders.TRACEPARENT,
        TraceContext.traceparent(
            request.messageId(), request.attempts(), TraceContext.Hop.RELEASE));
    return headers;
  }

  private static void add(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}

package org.schedmsg.cdc.publish;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.schedmsg.cdc.mapping.CdcRecord;
import org.schedmsg.contracts.CdcRecordHeaders;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.TraceContext;

/**
 * Headers on every CDC record, so a consumer can route or skip without parsing the value, and a
 * tombstone still says which change it was. Values are UTF-8 strings.
 */
public final class CdcHeaders {
  public static final String SCHEMA_VERSION = CdcRecordHeaders.SCHEMA_VERSION;
  public static final String OP = CdcRecordHeaders.OP;
  public static final String LSN = CdcRecordHeaders.LSN;

  private CdcHeaders() {}

  static Headers of(CdcRecord record) {
    Headers headers = new RecordHeaders();
    headers.add(SCHEMA_VERSION, utf8(Integer.toString(ScheduledMessageChange.SCHEMA_VERSION)));
    headers.add(OP, utf8(record.op()));
    if (record.lsn() != null) {
      headers.add(LSN, utf8(Long.toString(record.lsn())));
    }
    traceparent(record.key())
        .ifPresent(value -> headers.add(CdcRecordHeaders.TRACEPARENT, utf8(value)));
    return headers;
  }

  /** The message's trace context; the key is always a message id, but stay safe if it is not. */
  private static java.util.Optional<String> traceparent(String key) {
    try {
      return java.util.Optional.of(
          TraceContext.traceparent(java.util.UUID.fromString(key), 0, TraceContext.Hop.CHANGE));
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}

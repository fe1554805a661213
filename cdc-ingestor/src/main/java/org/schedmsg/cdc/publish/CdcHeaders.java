package org.schedmsg.cdc.publish;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
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

  // the same on every record: encoded once (never modified; the producer only reads them)
  private static final byte[] SCHEMA_VERSION_VALUE =
      utf8(Integer.toString(ScheduledMessageChange.SCHEMA_VERSION));
  private static final byte[] OP_C = utf8("c");
  private static final byte[] OP_U = utf8("u");
  private static final byte[] OP_R = utf8("r");
  private static final byte[] OP_D = utf8("d");

  private CdcHeaders() {}

  static Headers of(CdcRecord record) {
    Headers headers = new RecordHeaders();
    headers.add(SCHEMA_VERSION, SCHEMA_VERSION_VALUE);
    headers.add(OP, op(record.op()));
    if (record.lsn() != null) {
      headers.add(LSN, utf8(Long.toString(record.lsn())));
    }
    UUID messageId = messageId(record);
    if (messageId != null) {
      headers.add(
          CdcRecordHeaders.TRACEPARENT,
          utf8(TraceContext.traceparent(messageId, 0, TraceContext.Hop.CHANGE)));
    }
    return headers;
  }

  private static byte[] op(String op) {
    switch (op) {
      case "c":
        return OP_C;
      case "u":
        return OP_U;
      case "r":
        return OP_R;
      case "d":
        return OP_D;
      default:
        return utf8(op);
    }
  }

  /**
   * The id the trace context is derived from: the mapped row's, or for a tombstone the key's; the
   * key is always a message id, but stay safe if it is not.
   */
  private static UUID messageId(CdcRecord record) {
    if (!record.isTombstone()) {
      return record.value().message().id();
    }
    try {
      return UUID.fromString(record.key());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}

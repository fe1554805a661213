package org.schedmsg.contracts;

import java.util.List;
import java.util.Map;

/** Header names on CDC records (UTF-8 string values). */
public final class CdcRecordHeaders {
  /** The value format's version ({@value ScheduledMessageChange#SCHEMA_VERSION}). */
  public static final String SCHEMA_VERSION = Topics.CDC_SCHEMA_VERSION_HEADER;

  /** {@code c}, {@code u}, {@code r}, or {@code d} (on the tombstone of a delete). */
  public static final String OP = "schedmsg-op";

  /** The change's PostgreSQL LSN as a decimal number; absent for snapshot reads. */
  public static final String LSN = "schedmsg-lsn";

  /** W3C trace context: the trace id is the message id, as on the delivery records. */
  public static final String TRACEPARENT = DeliveryHeaders.TRACEPARENT;

  public static final List<String> ALL = List.of(SCHEMA_VERSION, OP, LSN, TRACEPARENT);

  /** What each header holds, for the documentation derived from the topic catalog. */
  public static final Map<String, String> DESCRIPTIONS =
      Map.of(
          SCHEMA_VERSION,
          "schema version of the value (decimal)",
          OP,
          "c, u, r, or d on the tombstone of a delete",
          LSN,
          "PostgreSQL LSN of the change (decimal); absent for snapshot reads",
          TRACEPARENT,
          "W3C trace context; the trace id is the message id's 32 hex digits, shared by the"
              + " release and the platform request of the same message");

  private CdcRecordHeaders() {}
}

package org.schedmsg.contracts;

import java.time.Instant;

/**
 * Value of the CDC topic (schema version {@value #SCHEMA_VERSION}): a row's state after an insert
 * ({@code c}), update ({@code u}) or snapshot read ({@code r}). A delete is a tombstone (null
 * value) under the message id key, so a compacted topic keeps every live row's latest state.
 *
 * @param op {@code c}, {@code u} or {@code r}, as Debezium names them
 * @param lsn the PostgreSQL log sequence number of the change (null for snapshot reads)
 * @param committedAt when the source transaction committed (snapshot: when the row was read)
 */
public record ScheduledMessageChange(
    int schemaVersion, String op, Long lsn, Instant committedAt, ScheduledMessage message) {

  public static final int SCHEMA_VERSION = 1;

  @Override
  public String toString() {
    return "ScheduledMessageChange{op=" + op + ", lsn=" + lsn + ", message=" + message + '}';
  }
}

package org.schedmsg.cdc.mapping;

import java.util.Objects;
import org.schedmsg.contracts.ScheduledMessageChange;

/**
 * One record for the CDC topic: the message id as key and the row's new state, or a tombstone (null
 * value) when the row was deleted; {@code lsn} is the change's log sequence number (null for a
 * snapshot read). {@link #toString()} shows no payload.
 */
public record CdcRecord(String key, ScheduledMessageChange value, Long lsn) {
  public CdcRecord {
    Objects.requireNonNull(key, "key");
  }

  public CdcRecord(String key, ScheduledMessageChange value) {
    this(key, value, value == null ? null : value.lsn());
  }

  public static CdcRecord tombstone(String key, Long lsn) {
    return new CdcRecord(key, null, lsn);
  }

  public boolean isTombstone() {
    return value == null;
  }

  /** {@code c}, {@code u}, {@code r}, or {@code d} for a tombstone. */
  public String op() {
    return isTombstone() ? "d" : value.op();
  }

  @Override
  public String toString() {
    return isTombstone()
        ? "CdcRecord{key=" + key + ", tombstone, lsn=" + lsn + '}'
        : "CdcRecord{key=" + key + ", value=" + value + '}';
  }
}

package org.schedmsg.cdc.mapping;

import java.util.Objects;
import org.schedmsg.contracts.ScheduledMessageChange;

/**
 * One record for the CDC topic: the message id as key and the row's new state, or a tombstone (null
 * value) when the row was deleted. {@link #toString()} shows no payload.
 */
public record CdcRecord(String key, ScheduledMessageChange value) {
  public CdcRecord {
    Objects.requireNonNull(key, "key");
  }

  public static CdcRecord tombstone(String key) {
    return new CdcRecord(key, null);
  }

  public boolean isTombstone() {
    return value == null;
  }

  @Override
  public String toString() {
    return isTombstone()
        ? "CdcRecord{key=" + key + ", tombstone}"
        : "CdcRecord{key=" + key + ", value=" + value + '}';
  }
}

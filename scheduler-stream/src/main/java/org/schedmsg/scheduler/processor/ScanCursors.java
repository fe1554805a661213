package org.schedmsg.scheduler.processor;

import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.scheduler.store.DueIndexKey;

/**
 * In-memory resume points of the punctuator, one per platform and priority: the last due-index key
 * it handled (released, rejected or dropped, so that key is gone from the index). Everything before
 * a cursor has been handled, except entries indexed since with an earlier key; indexing one moves
 * the cursor back to it. A scan therefore starts at the cursor and skips the RocksDB tombstones of
 * handled entries. Lost on restart (then a scan starts at the beginning of its priority once).
 */
final class ScanCursors {
  private final Map<Platform, Bytes[]> cursors = new EnumMap<>(Platform.class);

  ScanCursors() {
    for (Platform platform : Platform.values()) {
      cursors.put(platform, new Bytes[ScheduledMessage.LOWEST_PRIORITY + 1]);
    }
  }

  /** Inclusive start of the next scan of {@code platform} and {@code priority}. */
  Bytes from(Platform platform, int priority) {
    Bytes cursor = cursors.get(platform)[priority];
    return cursor == null ? DueIndexKey.scanFrom(platform, priority) : cursor;
  }

  /** The scan of {@code platform} and {@code priority} handled the entry at {@code bytes}. */
  void handled(Platform platform, int priority, Bytes bytes) {
    cursors.get(platform)[priority] = bytes;
  }

  /** {@code key} was (re)indexed: a scan must not start after it. */
  void indexed(DueIndexKey key, Bytes bytes) {
    Bytes[] byPriority = cursors.get(key.platform());
    Bytes cursor = byPriority[key.priority()];
    if (cursor != null && bytes.compareTo(cursor) < 0) {
      byPriority[key.priority()] = bytes;
    }
  }
}

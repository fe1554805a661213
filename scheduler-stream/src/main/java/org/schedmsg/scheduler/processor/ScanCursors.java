package org.schedmsg.scheduler.processor;

import java.util.EnumMap;
import java.util.Map;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.scheduler.store.DueIndexKey;

/**
 * In-memory resume points of the punctuator, one per platform and priority: the last due-index key
 * it handled (released, rejected or dropped, so that key is gone from the index). Everything before
 * a cursor has been handled, except entries indexed since with an earlier key; indexing one moves
 * the cursor back to it. A scan therefore starts at the cursor: what it handled before costs
 * nothing. Lost on restart (then a scan starts at the beginning of its priority once).
 */
final class ScanCursors {
  private final Map<Platform, DueIndexKey[]> cursors = new EnumMap<>(Platform.class);

  ScanCursors() {
    for (Platform platform : Platform.values()) {
      cursors.put(platform, new DueIndexKey[ScheduledMessage.LOWEST_PRIORITY + 1]);
    }
  }

  /** Inclusive start of the next scan of {@code platform} and {@code priority}. */
  DueIndexKey from(Platform platform, int priority) {
    DueIndexKey cursor = cursors.get(platform)[priority];
    return cursor == null ? DueIndexKey.first(platform, priority) : cursor;
  }

  /** The scan of the key's platform and priority handled the entry at {@code key}. */
  void handled(DueIndexKey key) {
    cursors.get(key.platform())[key.priority()] = key;
  }

  /** {@code key} was (re)indexed: a scan must not start after it. */
  void indexed(DueIndexKey key) {
    DueIndexKey[] byPriority = cursors.get(key.platform());
    DueIndexKey cursor = byPriority[key.priority()];
    if (cursor != null && key.compareTo(cursor) < 0) {
      byPriority[key.priority()] = key;
    }
  }
}

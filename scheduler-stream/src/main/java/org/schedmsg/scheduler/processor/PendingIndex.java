package org.schedmsg.scheduler.processor;

import java.time.Instant;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.schedmsg.contracts.Platform;
import org.schedmsg.scheduler.metrics.SchedulerMetrics;
import org.schedmsg.scheduler.store.DueIndex;
import org.schedmsg.scheduler.store.DueIndexKey;
import org.schedmsg.scheduler.store.PendingEntry;
import org.schedmsg.scheduler.store.PendingMessage;
import org.schedmsg.scheduler.store.PendingMessageSerde;

/**
 * The {@code messages} store and the in-memory {@code due-index} kept in step: every change goes
 * through here, which also keeps the scan cursors and the pending counts right. Only {@code
 * messages} is written to a changelog; the index is {@link #rebuild() rebuilt} from it when the
 * task starts.
 *
 * <p>Values are decoded only as far as needed: the {@link PendingEntry entry} (fixed offsets, no
 * content) to replace or remove a message, the whole row only to release or reject it.
 *
 * <p>This class, its constructor, {@link #rebuild}, {@link #get} and {@link #put} are public only
 * for the JMH benchmarks of the bench module, which drive the real index code over the real stores;
 * they are not an API for other modules, and everything else stays package-private.
 */
public final class PendingIndex {
  private final KeyValueStore<String, byte[]> messages;
  private final DueIndex dueIndex;
  private final ScanCursors cursors = new ScanCursors();
  private final PendingCounts counts;

  /**
   * An index over the two stores, already initialised (by the task, or by the caller); call {@link
   * #rebuild()} before anything else. Public for the benchmarks (bench module) only; not an API for
   * other modules.
   */
  public PendingIndex(
      KeyValueStore<String, byte[]> messages, DueIndex dueIndex, SchedulerMetrics metrics) {
    this.messages = messages;
    this.dueIndex = dueIndex;
    this.counts = new PendingCounts(metrics);
  }

  /**
   * Fills the due index and the pending counts from {@code messages} (after a restore), in one pass
   * that reads each value's entry only; returns how many messages it holds. Public for the
   * benchmarks (bench module) only; not an API for other modules.
   */
  public long rebuild() {
    dueIndex.clear();
    counts.clear();
    long pending = 0;
    try (KeyValueIterator<String, byte[]> it = messages.all()) {
      while (it.hasNext()) {
        DueIndexKey key = PendingMessageSerde.decodeEntry(it.next().value).indexKey();
        dueIndex.add(key);
        counts.add(key);
        pending++;
      }
    }
    return pending;
  }

  /**
   * The message under {@code id}, whole, or null. Public for the benchmarks (bench module) only;
   * not an API for other modules.
   */
  public PendingMessage get(String id) {
    byte[] bytes = messages.get(id);
    return bytes == null ? null : PendingMessageSerde.decode(bytes);
  }

  /** The entry of the message under {@code id} (its content left undecoded), or null. */
  PendingEntry entry(String id) {
    byte[] bytes = messages.get(id);
    return bytes == null ? null : PendingMessageSerde.decodeEntry(bytes);
  }

  /**
   * Stores {@code next} under {@code id}, replacing the message indexed at {@code previous} (null
   * when there was none). Public for the benchmarks (bench module) only; not an API for other
   * modules.
   */
  public void put(String id, DueIndexKey previous, PendingMessage next) {
    messages.put(id, PendingMessageSerde.encode(next));
    DueIndexKey key = next.indexKey();
    if (key.equals(previous)) {
      return;
    }
    if (previous != null) {
      dueIndex.remove(previous);
      counts.remove(previous);
    }
    dueIndex.add(key);
    cursors.indexed(key);
    counts.add(key);
  }

  /** Removes {@code id}; returns its index key, or null when nothing was stored under it. */
  DueIndexKey remove(String id) {
    byte[] bytes = messages.get(id);
    if (bytes == null) {
      return null; // nothing to delete: no changelog tombstone either
    }
    DueIndexKey key = PendingMessageSerde.decodeEntry(bytes).indexKey();
    remove(id, key);
    return key;
  }

  /** Removes {@code id}, indexed at {@code key}, which the caller has just read. */
  void remove(String id, DueIndexKey key) {
    messages.put(id, null); // a delete that does not read the old value again
    dueIndex.remove(key);
    counts.remove(key);
  }

  /** Deletes an index entry that no longer matches its message. */
  void dropIndexEntry(DueIndexKey key) {
    dueIndex.remove(key);
  }

  /** The scan of the key's platform and priority handled {@code key}: the next starts there. */
  void handled(DueIndexKey key) {
    cursors.handled(key);
  }

  /**
   * The first index entry of {@code platform} and {@code priority} due at or before {@code now},
   * from the scan cursor on, or null when there is none.
   */
  DueIndexKey nextDue(Platform platform, int priority, Instant now) {
    DueIndexKey next = dueIndex.ceiling(cursors.from(platform, priority));
    return next != null && next.compareTo(DueIndexKey.last(platform, priority, now)) <= 0
        ? next
        : null;
  }

  /** This task's stores leave this instance: its pending counts go with them. */
  void close() {
    counts.clear();
  }
}

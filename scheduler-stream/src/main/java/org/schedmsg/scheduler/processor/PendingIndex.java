package org.schedmsg.scheduler.processor;

import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.schedmsg.contracts.Platform;
import org.schedmsg.scheduler.metrics.SchedulerMetrics;
import org.schedmsg.scheduler.store.DueIndexKey;
import org.schedmsg.scheduler.store.PendingMessage;

/**
 * The {@code messages} and {@code due-index} stores kept in step: every change goes through here,
 * which also keeps the scan cursors and the pending counts right.
 *
 * <p>This class, its constructor, {@link #get}, {@link #put} and {@link #due} are public only for
 * the JMH benchmarks of the bench module, which drive the real index code over the real stores;
 * they are not an API for other modules, and everything else stays package-private.
 */
public final class PendingIndex {
  private final KeyValueStore<String, PendingMessage> messages;
  private final KeyValueStore<Bytes, String> dueIndex;
  private final ScanCursors cursors = new ScanCursors();
  private final PendingCounts counts;

  /**
   * An index over the two stores, already initialised (by the task, or by the caller). Public for
   * the benchmarks (bench module) only; not an API for other modules.
   */
  public PendingIndex(
      KeyValueStore<String, PendingMessage> messages,
      KeyValueStore<Bytes, String> dueIndex,
      SchedulerMetrics metrics) {
    this.messages = messages;
    this.dueIndex = dueIndex;
    this.counts = new PendingCounts(metrics);
  }

  /** Counts what the stores hold (after a restore); one pass over {@code messages}. */
  void countExisting() {
    try (KeyValueIterator<String, PendingMessage> it = messages.all()) {
      while (it.hasNext()) {
        counts.add(it.next().value);
      }
    }
  }

  /**
   * The message under {@code id}, or null. Public for the benchmarks (bench module) only; not an
   * API for other modules.
   */
  public PendingMessage get(String id) {
    return messages.get(id);
  }

  /**
   * Replaces {@code previous} (or null) by {@code next} under {@code id}. Public for the benchmarks
   * (bench module) only; not an API for other modules.
   */
  public void put(String id, PendingMessage previous, PendingMessage next) {
    DueIndexKey key = next.indexKey();
    Bytes bytes = key.toBytes();
    if (previous != null) {
      Bytes old = previous.indexKey().toBytes();
      if (!old.equals(bytes)) {
        dueIndex.delete(old);
      }
      counts.remove(previous);
    }
    messages.put(id, next);
    dueIndex.put(bytes, id);
    cursors.indexed(key, bytes);
    counts.add(next);
  }

  /** Removes {@code id} from both stores; returns what it held, or null. */
  PendingMessage remove(String id) {
    PendingMessage previous = messages.delete(id);
    if (previous != null) {
      dueIndex.delete(previous.indexKey().toBytes());
      counts.remove(previous);
    }
    return previous;
  }

  /** Deletes an index entry that no longer matches its message. */
  void dropIndexEntry(Bytes bytes) {
    dueIndex.delete(bytes);
  }

  /**
   * The scan of {@code platform} and {@code priority} handled {@code bytes}: the next starts there.
   */
  void handled(Platform platform, int priority, Bytes bytes) {
    cursors.handled(platform, priority, bytes);
  }

  /**
   * Index entries of {@code platform} and {@code priority} due at or before {@code now}, from the
   * scan cursor on, in key order; null when there can be none. Close the iterator. Public for the
   * benchmarks (bench module) only; not an API for other modules.
   */
  public KeyValueIterator<Bytes, String> due(Platform platform, int priority, Instant now) {
    Bytes from = cursors.from(platform, priority);
    Bytes to = DueIndexKey.scanTo(platform, priority, now);
    return from.compareTo(to) > 0 ? null : dueIndex.range(from, to);
  }

  /** This task's stores leave this instance: its pending counts go with them. */
  void close() {
    counts.clear();
  }
}

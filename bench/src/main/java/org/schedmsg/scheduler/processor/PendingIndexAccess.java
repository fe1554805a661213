package org.schedmsg.scheduler.processor;

import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.schedmsg.contracts.Platform;
import org.schedmsg.scheduler.metrics.SchedulerMetrics;
import org.schedmsg.scheduler.store.PendingMessage;

/**
 * Benchmark access to the scheduler's package-private {@link PendingIndex} (and through it {@link
 * ScanCursors}), so that the JMH benchmarks in {@code org.schedmsg.bench.jmh} drive the real index
 * code rather than a copy of it.
 *
 * <p>This class lives in the bench module but in scheduler-stream's package: on the class path (no
 * JPMS modules, the jar is not sealed) both share one runtime package, which is what grants access
 * to package-private members. Nothing in scheduler-stream depends on it. If scheduler-stream ever
 * becomes a named module or seals its packages, this class must move there (or the benchmark must
 * fall back to the range scan through {@link org.schedmsg.scheduler.store.DueIndexKey#scanFrom} and
 * {@link org.schedmsg.scheduler.store.DueIndexKey#scanTo} that {@code PendingIndex.due} performs).
 */
public final class PendingIndexAccess {
  private final PendingIndex index;

  /**
   * Wraps a new {@link PendingIndex} over the two stores, built and initialised by the caller (as
   * {@code ScheduleProcessor#init} does with the task's stores).
   */
  public PendingIndexAccess(
      KeyValueStore<String, PendingMessage> messages,
      KeyValueStore<Bytes, String> dueIndex,
      SchedulerMetrics metrics) {
    this.index = new PendingIndex(messages, dueIndex, metrics);
  }

  /** Indexes a new message, as {@code ScheduleProcessor} does for a row it had not seen. */
  public void add(String id, PendingMessage message) {
    index.put(id, null, message);
  }

  /** The message under {@code id}, as {@code DueReleaser} looks it up per due entry. */
  public PendingMessage get(String id) {
    return index.get(id);
  }

  /**
   * {@code PendingIndex.due}: the index entries of {@code platform} and {@code priority} due at or
   * before {@code now}, from the scan cursor on; null when there can be none. Close the iterator.
   */
  public KeyValueIterator<Bytes, String> due(Platform platform, int priority, Instant now) {
    return index.due(platform, priority, now);
  }
}

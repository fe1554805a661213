package org.schedmsg.bench.jmh;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.scheduler.metrics.SchedulerMetrics;
import org.schedmsg.scheduler.processor.PendingIndex;
import org.schedmsg.scheduler.store.DueIndexKey;
import org.schedmsg.scheduler.store.PendingMessage;
import org.schedmsg.scheduler.store.SchedulerStores;

/**
 * One release scan of the scheduler's {@code due-index}, in the real Kafka Streams RocksDB stores,
 * against a full scan of the same store as the peer.
 *
 * <p><b>Set-up</b> (once per trial, not measured): the two stores exactly as {@link
 * SchedulerStores#messages()} and {@link SchedulerStores#dueIndex()} build them (metered store with
 * the project's serdes, change logging, caching disabled, RocksDB with Kafka Streams' options),
 * owned by a {@code TopologyTestDriver} through {@link StandaloneStores} (no broker; the changelog
 * sends go to the driver's mock producer, reads are the production path). They are filled through
 * the scheduler's own {@link PendingIndex}, in random order, with {@link #farFuture} messages due 1
 * to 31 days after {@code now} and {@link #due} messages due in the hour before {@code now}, all on
 * Telegram, with priorities 1, 5 and 9 in turn; then the stores are committed as a Kafka Streams
 * commit does (in Kafka Streams 4.3 that records offsets and forces no memtable flush: RocksDB
 * flushes a memtable when it fills up, so at the default sizes the {@code due-index} entries stay
 * in its memtable and most of the {@code messages} store sits in SST files, as they would in the
 * running scheduler).
 *
 * <p><b>Measured</b>:
 *
 * <ul>
 *   <li>{@link #releaseScan}: what {@code DueReleaser.releaseDue} reads in one punctuation: per
 *       platform, priority 1 to 9 in turn, the iterator of {@code PendingIndex.due(platform,
 *       priority, now)} (a RocksDB range from the scan cursor to {@link DueIndexKey#scanTo}),
 *       drained. The cursors are at their start (nothing handled yet: the first punctuation after a
 *       restart or after the entries fell due), so each scan visits exactly the due entries.
 *   <li>{@link #releaseScanWithLookup}: the same plus, per due entry, what {@code
 *       DueReleaser.handle} does before it decides: the message lookup in the {@code messages}
 *       store (JSON decode) and the check that the entry still matches the message's key.
 *   <li>{@link #fullScan} (peer): the same answer (the due entries in priority order) found by
 *       visiting every entry of the index ({@code all()}) and decoding each key to test its due
 *       time, i.e. what the scan costs without the key order's range bounds.
 * </ul>
 *
 * <p>Not measured: releasing (the output record, re-indexing the released message under its lease,
 * the token bucket, metrics), since it changes the index, so that a repeated invocation would no
 * longer measure the same scan. Every benchmark returns the number of due entries it found; the
 * set-up checks that each finds exactly {@link #due}.
 *
 * <p>Warm-up is 5 x 2 s: with 3 x 1 s the lookup variant (Jackson and RocksDB point reads, about a
 * hundred operations per second) was still getting faster through the measurement on a busy 2-core
 * machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DueIndexScanBenchmark {
  private static final Instant NOW = Instant.parse("2026-11-29T08:00:00Z");
  private static final int[] PRIORITIES = {1, 5, 9};

  /** Entries due 1 to 31 days after now (the backlog a release scan must not pay for). */
  @Param("100000")
  public int farFuture;

  /** Entries due in the hour before now (what a release scan must find). */
  @Param("1000")
  public int due;

  private StandaloneStores stores;
  private KeyValueStore<String, PendingMessage> messages;
  private KeyValueStore<Bytes, String> dueIndex;
  private PendingIndex index;
  private long nowMillis;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    stores = new StandaloneStores(SchedulerStores.messages(), SchedulerStores.dueIndex());
    messages = stores.keyValueStore(SchedulerStores.MESSAGES);
    dueIndex = stores.keyValueStore(SchedulerStores.DUE_INDEX);
    index = new PendingIndex(messages, dueIndex, new SchedulerMetrics(new SimpleMeterRegistry()));
    nowMillis = NOW.toEpochMilli();

    Random random = new Random(7);
    List<ScheduledMessage> rows = new ArrayList<>(farFuture + due);
    for (int i = 0; i < farFuture + due; i++) {
      long offsetMillis =
          i < farFuture
              ? Duration.ofDays(1).toMillis()
                  + (long) (random.nextDouble() * Duration.ofDays(30).toMillis())
              : -(long) (random.nextDouble() * Duration.ofHours(1).toMillis());
      rows.add(
          row(new UUID(random.nextLong(), random.nextLong()), i, NOW.plusMillis(offsetMillis)));
    }
    Collections.shuffle(rows, random);
    for (ScheduledMessage row : rows) {
      // as ScheduleProcessor indexes a row it had not seen
      index.put(row.id().toString(), null, PendingMessage.scheduled(row, row.scheduledTime()));
    }
    long changelogRecords = stores.commit();

    int byRange = countDue(false);
    int byLookup = countDue(true);
    int byFullScan = countDueByFullScan();
    // two stores, one changelog record per write: the writes went through the logging layer
    if (changelogRecords != 2L * rows.size()) {
      throw new IllegalStateException(
          "expected " + 2L * rows.size() + " changelog records, got " + changelogRecords);
    }
    if (byRange != due || byLookup != due || byFullScan != due) {
      throw new IllegalStateException(
          "expected "
              + due
              + " due entries, the scans found "
              + byRange
              + " / "
              + byLookup
              + " / "
              + byFullScan);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (stores != null) {
      stores.close();
    }
  }

  private static ScheduledMessage row(UUID id, int n, Instant due) {
    Instant created = NOW.minus(Duration.ofDays(2));
    return new ScheduledMessage(
        id,
        null,
        Long.toString(100_000_000L + n),
        Platform.TELEGRAM,
        "Benchmark placeholder text, no patient data.",
        due,
        null,
        null,
        null,
        MessageStatus.PENDING,
        null,
        null,
        null,
        created,
        created,
        0,
        null,
        PRIORITIES[n % PRIORITIES.length],
        null,
        null,
        1L);
  }

  /** The due-index entries a punctuation at {@code now} reads, in release order. */
  @Benchmark
  public int releaseScan(Blackhole blackhole) {
    int found = 0;
    for (Platform platform : Platform.values()) {
      for (int p = ScheduledMessage.HIGHEST_PRIORITY; p <= ScheduledMessage.LOWEST_PRIORITY; p++) {
        try (KeyValueIterator<Bytes, String> it = index.due(platform, p, NOW)) {
          while (it != null && it.hasNext()) {
            KeyValue<Bytes, String> entry = it.next();
            blackhole.consume(entry.key);
            blackhole.consume(entry.value);
            found++;
          }
        }
      }
    }
    return found;
  }

  /** {@link #releaseScan} plus the message lookup and key check of each due entry. */
  @Benchmark
  public int releaseScanWithLookup(Blackhole blackhole) {
    int found = 0;
    for (Platform platform : Platform.values()) {
      for (int p = ScheduledMessage.HIGHEST_PRIORITY; p <= ScheduledMessage.LOWEST_PRIORITY; p++) {
        try (KeyValueIterator<Bytes, String> it = index.due(platform, p, NOW)) {
          while (it != null && it.hasNext()) {
            KeyValue<Bytes, String> entry = it.next();
            PendingMessage pending = index.get(entry.value);
            if (pending == null || !pending.indexKey().toBytes().equals(entry.key)) {
              throw new IllegalStateException("stale entry " + entry.value);
            }
            blackhole.consume(pending);
            found++;
          }
        }
      }
    }
    return found;
  }

  /** Peer: every entry of the index visited, each key decoded and its due time tested. */
  @Benchmark
  public int fullScan(Blackhole blackhole) {
    int found = 0;
    try (KeyValueIterator<Bytes, String> it = dueIndex.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, String> entry = it.next();
        if (DueIndexKey.fromBytes(entry.key).dueEpochMillis() <= nowMillis) {
          blackhole.consume(entry.key);
          blackhole.consume(entry.value);
          found++;
        }
      }
    }
    return found;
  }

  private int countDue(boolean lookup) {
    int found = 0;
    for (Platform platform : Platform.values()) {
      for (int p = ScheduledMessage.HIGHEST_PRIORITY; p <= ScheduledMessage.LOWEST_PRIORITY; p++) {
        try (KeyValueIterator<Bytes, String> it = index.due(platform, p, NOW)) {
          while (it != null && it.hasNext()) {
            KeyValue<Bytes, String> entry = it.next();
            if (lookup && !index.get(entry.value).indexKey().toBytes().equals(entry.key)) {
              continue;
            }
            found++;
          }
        }
      }
    }
    return found;
  }

  private int countDueByFullScan() {
    int found = 0;
    try (KeyValueIterator<Bytes, String> it = dueIndex.all()) {
      while (it.hasNext()) {
        if (DueIndexKey.fromBytes(it.next().key).dueEpochMillis() <= nowMillis) {
          found++;
        }
      }
    }
    return found;
  }
}

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
import org.schedmsg.scheduler.store.DueIndex;
import org.schedmsg.scheduler.store.DueIndexKey;
import org.schedmsg.scheduler.store.PendingMessage;
import org.schedmsg.scheduler.store.SchedulerStores;

/**
 * One release scan of the scheduler's {@code due-index} (in memory, rebuilt from the {@code
 * messages} store when a task starts), with and without the message lookups in the real Kafka
 * Streams RocksDB {@code messages} store, against a visit of the whole index as the peer.
 *
 * <p><b>Set-up</b> (once per trial, not measured): the stores exactly as {@link
 * SchedulerStores#messages()} (metered store with the project's serdes, change logging, caching
 * disabled, RocksDB with Kafka Streams' options) and {@link SchedulerStores#dueIndex()} build them,
 * owned by a {@code TopologyTestDriver} through {@link StandaloneStores} (no broker; the changelog
 * sends go to the driver's mock producer, reads are the production path). They are filled through
 * the scheduler's own {@link PendingIndex}, in random order, with {@link #farFuture} messages due 1
 * to 31 days after {@code now} and {@link #due} messages due in the hour before {@code now}, all on
 * Telegram, with priorities 1, 5 and 9 in turn; then the stores are committed as a Kafka Streams
 * commit does (in Kafka Streams 4.3 that records offsets and forces no memtable flush: RocksDB
 * flushes a memtable when it fills up, so most of the {@code messages} store sits in SST files, as
 * it would in the running scheduler). The set-up also rebuilds the index from the store, as a task
 * start does, and checks that it holds every message again.
 *
 * <p><b>Measured</b>:
 *
 * <ul>
 *   <li>{@link #releaseScan}: the index lookups {@code DueReleaser.releaseDue} makes in one
 *       punctuation: per platform, priority 1 to 9 in turn, the first key at or after the scan
 *       position ({@link DueIndex#ceiling}), up to {@link DueIndexKey#last} at {@code now}. The
 *       releaser resumes after each handled key because handling moves it; here nothing is handled,
 *       so each lookup starts just after the key found before.
 *   <li>{@link #releaseScanWithLookup}: the same plus, per due entry, what {@code
 *       DueReleaser.handle} does before it decides: the message lookup in the {@code messages}
 *       store (binary decode of the whole row) and the check that the entry still matches the
 *       message's key.
 *   <li>{@link #fullScan} (peer): the same answer (the due entries in priority order) found by
 *       visiting every entry of the index ({@link DueIndex#keys()}) and testing its due time, i.e.
 *       what the scan costs without the key order.
 * </ul>
 *
 * <p>Not measured: releasing (the output record, re-indexing the released message under its lease,
 * the token bucket, metrics), since it changes the index, so that a repeated invocation would no
 * longer measure the same scan. Every benchmark returns the number of due entries it found; the
 * set-up checks that each finds exactly {@link #due}.
 *
 * <p>Warm-up is 5 x 2 s: with 3 x 1 s the lookup variant (RocksDB point reads, a few hundred
 * operations per second) was still getting faster through the measurement on a busy 2-core machine.
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
  private DueIndex dueIndex;
  private PendingIndex index;
  private long nowMillis;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    stores = new StandaloneStores(SchedulerStores.messages(), SchedulerStores.dueIndex());
    KeyValueStore<String, byte[]> messages = stores.keyValueStore(SchedulerStores.MESSAGES);
    dueIndex = stores.stateStore(SchedulerStores.DUE_INDEX, DueIndex.class);
    index = new PendingIndex(messages, dueIndex, new SchedulerMetrics(new SimpleMeterRegistry()));
    index.rebuild();
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
    long rebuilt = index.rebuild();

    int byRange = countDue(false);
    int byLookup = countDue(true);
    int byFullScan = countDueByFullScan();
    // one changelog record per write, of messages only: the writes went through the logging layer
    if (changelogRecords != rows.size()) {
      throw new IllegalStateException(
          "expected " + rows.size() + " changelog records, got " + changelogRecords);
    }
    if (rebuilt != rows.size() || dueIndex.size() != rows.size()) {
      throw new IllegalStateException(
          "expected " + rows.size() + " messages in the rebuilt index, got " + dueIndex.size());
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
        DueIndexKey last = DueIndexKey.last(platform, p, NOW);
        for (DueIndexKey key = dueIndex.ceiling(DueIndexKey.first(platform, p));
            key != null && key.compareTo(last) <= 0;
            key = dueIndex.ceiling(after(key))) {
          blackhole.consume(key);
          found++;
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
        DueIndexKey last = DueIndexKey.last(platform, p, NOW);
        for (DueIndexKey key = dueIndex.ceiling(DueIndexKey.first(platform, p));
            key != null && key.compareTo(last) <= 0;
            key = dueIndex.ceiling(after(key))) {
          PendingMessage pending = index.get(key.messageId().toString());
          if (pending == null || !pending.indexKey().equals(key)) {
            throw new IllegalStateException("stale entry " + key.messageId());
          }
          blackhole.consume(pending);
          found++;
        }
      }
    }
    return found;
  }

  /** Peer: every entry of the index visited and its due time tested. */
  @Benchmark
  public int fullScan(Blackhole blackhole) {
    int found = 0;
    for (DueIndexKey key : dueIndex.keys()) {
      if (key.dueEpochMillis() <= nowMillis) {
        blackhole.consume(key);
        found++;
      }
    }
    return found;
  }

  /** The key right after {@code key} in key order (its id plus one, as a 128-bit number). */
  private static DueIndexKey after(DueIndexKey key) {
    long msb = key.messageId().getMostSignificantBits();
    long lsb = key.messageId().getLeastSignificantBits() + 1;
    long due = key.dueEpochMillis();
    if (lsb == 0) {
      msb++;
      if (msb == 0) {
        due++;
      }
    }
    return new DueIndexKey(key.platform(), key.priority(), due, new UUID(msb, lsb));
  }

  private int countDue(boolean lookup) {
    int found = 0;
    for (Platform platform : Platform.values()) {
      for (int p = ScheduledMessage.HIGHEST_PRIORITY; p <= ScheduledMessage.LOWEST_PRIORITY; p++) {
        DueIndexKey last = DueIndexKey.last(platform, p, NOW);
        for (DueIndexKey key = dueIndex.ceiling(DueIndexKey.first(platform, p));
            key != null && key.compareTo(last) <= 0;
            key = dueIndex.ceiling(after(key))) {
          if (lookup && !index.get(key.messageId().toString()).indexKey().equals(key)) {
            continue;
          }
          found++;
        }
      }
    }
    return found;
  }

  private int countDueByFullScan() {
    int found = 0;
    for (DueIndexKey key : dueIndex.keys()) {
      if (key.dueEpochMillis() <= nowMillis) {
        found++;
      }
    }
    return found;
  }
}

package org.schedmsg.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Bytes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.schedmsg.contracts.Platform;
import org.schedmsg.scheduler.store.DueIndexKey;

/**
 * Encoding and decoding of the {@code due-index} key ({@link DueIndexKey#toBytes()}, {@link
 * DueIndexKey#fromBytes(Bytes)}: 26 bytes, platform, priority, due millis, UUID), against a peer
 * measured in the same run: the key a first implementation would plausibly write, the text {@code
 * platform|priority|dueMillis|uuid} as UTF-8 bytes (about 60 bytes), and its parse.
 *
 * <p>The peer sorts correctly only while every due time has 13 decimal digits (2001-09-09 to
 * 2286-11-20) and priorities stay single-digit (they are clamped to 1..9); the binary key sorts
 * correctly without such conditions. It is a cost peer, not a drop-in replacement.
 *
 * <p>Each invocation handles the next of {@value #KEYS} precomputed keys (random platform, priority
 * and due time within a year of 2026-11-29, random UUID), so the JIT cannot constant-fold the
 * input. The index arithmetic is the same for both contenders.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DueIndexKeyBenchmark {
  static final int KEYS = 1024;

  private final DueIndexKey[] keys = new DueIndexKey[KEYS];
  private final Bytes[] binary = new Bytes[KEYS];
  private final byte[][] text = new byte[KEYS][];
  private int next;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    long base = Instant.parse("2026-11-29T00:00:00Z").toEpochMilli();
    Platform[] platforms = Platform.values();
    for (int i = 0; i < KEYS; i++) {
      keys[i] =
          new DueIndexKey(
              platforms[random.nextInt(platforms.length)],
              1 + random.nextInt(9),
              base + (long) (random.nextDouble() * 365 * 24 * 3600 * 1000L),
              new UUID(random.nextLong(), random.nextLong()));
      binary[i] = keys[i].toBytes();
      text[i] = textKey(keys[i]);
    }
  }

  private int nextIndex() {
    int i = next;
    next = (i + 1) & (KEYS - 1);
    return i;
  }

  /** The project's key: {@link DueIndexKey#toBytes()}. */
  @Benchmark
  public Bytes encodeBinary() {
    return keys[nextIndex()].toBytes();
  }

  /** The project's key: {@link DueIndexKey#fromBytes(Bytes)}. */
  @Benchmark
  public DueIndexKey decodeBinary() {
    return DueIndexKey.fromBytes(binary[nextIndex()]);
  }

  /** Peer: {@code platform|priority|dueMillis|uuid} as UTF-8 bytes. */
  @Benchmark
  public byte[] encodeText() {
    return textKey(keys[nextIndex()]);
  }

  /** Peer: parse of {@code platform|priority|dueMillis|uuid}. */
  @Benchmark
  public DueIndexKey decodeText() {
    return fromTextKey(text[nextIndex()]);
  }

  static byte[] textKey(DueIndexKey key) {
    return (key.platform().id()
            + "|"
            + key.priority()
            + "|"
            + key.dueEpochMillis()
            + "|"
            + key.messageId())
        .getBytes(StandardCharsets.UTF_8);
  }

  static DueIndexKey fromTextKey(byte[] bytes) {
    String key = new String(bytes, StandardCharsets.UTF_8);
    int a = key.indexOf('|');
    int b = key.indexOf('|', a + 1);
    int c = key.indexOf('|', b + 1);
    return new DueIndexKey(
        Platform.fromId(key.substring(0, a)),
        Integer.parseInt(key, a + 1, b, 10),
        Long.parseLong(key, b + 1, c, 10),
        UUID.fromString(key.substring(c + 1)));
  }
}

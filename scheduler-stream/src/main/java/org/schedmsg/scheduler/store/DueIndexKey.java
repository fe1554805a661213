package org.schedmsg.scheduler.store;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.common.utils.Bytes;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;

/**
 * Key of the {@code due-index} store: 1 byte platform code, 1 byte priority, 8 bytes big-endian due
 * epoch millis, 16 bytes message UUID (most, then least significant bits). RocksDB orders keys by
 * unsigned bytes, so a range scan of one platform yields priority first, then due time, then id;
 * each platform's backlog is scanned (and rate-limited) on its own.
 *
 * <p>Normalisation, so that the byte order is the intended order:
 *
 * <ul>
 *   <li>a priority outside {@value ScheduledMessage#HIGHEST_PRIORITY}..{@value
 *       ScheduledMessage#LOWEST_PRIORITY} is clamped into that range (0 and below count as 1, 10
 *       and above as 9);
 *   <li>the due instant is rounded <em>up</em> to a whole millisecond (a key never says "due"
 *       earlier than the row), and instants before 1970 count as epoch 0 (they are due anyway).
 * </ul>
 */
public record DueIndexKey(Platform platform, int priority, long dueEpochMillis, UUID messageId) {
  public static final int SIZE = 2 + Long.BYTES + 2 * Long.BYTES;

  public DueIndexKey {
    Objects.requireNonNull(platform, "platform");
    priority = clampPriority(priority);
    dueEpochMillis = Math.max(0L, dueEpochMillis);
  }

  /** The key of {@code messageId} on {@code platform} with {@code priority}, due at {@code due}. */
  public static DueIndexKey of(Platform platform, int priority, Instant due, UUID messageId) {
    return new DueIndexKey(platform, priority, ceilMillis(due), messageId);
  }

  /** The stable one-byte code of {@code platform} in a key (never its ordinal). */
  static byte code(Platform platform) {
    return switch (platform) {
      case TELEGRAM -> 1;
      case WHATSAPP -> 2;
    };
  }

  static Platform platform(byte code) {
    for (Platform platform : Platform.values()) {
      if (code(platform) == code) {
        return platform;
      }
    }
    throw new IllegalArgumentException("unknown platform code in a due index key");
  }

  public static int clampPriority(int priority) {
    return Math.min(
        ScheduledMessage.LOWEST_PRIORITY, Math.max(ScheduledMessage.HIGHEST_PRIORITY, priority));
  }

  /** Epoch millis of {@code instant}, rounded up to a whole millisecond. */
  public static long ceilMillis(Instant instant) {
    long millis = instant.toEpochMilli();
    return instant.getNano() % 1_000_000 == 0 ? millis : millis + 1;
  }

  /** Inclusive lower bound of a scan over {@code platform} and {@code priority}: its first key. */
  public static Bytes scanFrom(Platform platform, int priority) {
    return bound(platform, priority, 0L, 0L);
  }

  /**
   * Inclusive upper bound of a scan over {@code platform} and {@code priority}: every key due at or
   * before {@code upTo}.
   */
  public static Bytes scanTo(Platform platform, int priority, Instant upTo) {
    return bound(platform, priority, Math.max(0L, upTo.toEpochMilli()), -1L);
  }

  public Bytes toBytes() {
    return Bytes.wrap(
        ByteBuffer.allocate(SIZE)
            .put(code(platform))
            .put((byte) priority)
            .putLong(dueEpochMillis)
            .putLong(messageId.getMostSignificantBits())
            .putLong(messageId.getLeastSignificantBits())
            .array());
  }

  public static DueIndexKey fromBytes(Bytes bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes.get());
    if (buffer.remaining() != SIZE) {
      throw new IllegalArgumentException("a due index key has " + SIZE + " bytes");
    }
    Platform platform = platform(buffer.get());
    int priority = buffer.get();
    long due = buffer.getLong();
    return new DueIndexKey(platform, priority, due, new UUID(buffer.getLong(), buffer.getLong()));
  }

  private static Bytes bound(Platform platform, int priority, long millis, long idFill) {
    return Bytes.wrap(
        ByteBuffer.allocate(SIZE)
            .put(code(platform))
            .put((byte) clampPriority(priority))
            .putLong(millis)
            .putLong(idFill)
            .putLong(idFill)
            .array());
  }
}

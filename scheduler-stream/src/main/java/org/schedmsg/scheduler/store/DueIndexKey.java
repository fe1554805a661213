package org.schedmsg.scheduler.store;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.common.utils.Bytes;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;

/**
 * Key of the {@code due-index} store. Its order is that of its bytes: 1 byte platform code, 1 byte
 * priority, 8 bytes big-endian due epoch millis, 16 bytes message UUID (most, then least
 * significant bits), compared as unsigned bytes; {@link #compareTo} is the same order without the
 * bytes. So a scan of one platform yields priority first, then due time, then id; each platform's
 * backlog is scanned (and rate-limited) on its own.
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
public record DueIndexKey(Platform platform, int priority, long dueEpochMillis, UUID messageId)
    implements Comparable<DueIndexKey> {
  public static final int SIZE = 2 + Long.BYTES + 2 * Long.BYTES;

  private static final UUID LOWEST_ID = new UUID(0L, 0L);
  private static final UUID HIGHEST_ID = new UUID(-1L, -1L);

  public DueIndexKey {
    Objects.requireNonNull(platform, "platform");
    priority = clampPriority(priority);
    dueEpochMillis = Math.max(0L, dueEpochMillis);
    Objects.requireNonNull(messageId, "messageId");
  }

  /** The key of {@code messageId} on {@code platform} with {@code priority}, due at {@code due}. */
  public static DueIndexKey of(Platform platform, int priority, Instant due, UUID messageId) {
    return new DueIndexKey(platform, priority, ceilMillis(due), messageId);
  }

  /** The stable one-byte code of {@code platform} in a key (never its ordinal). */
  static byte code(Platform platform) {
    return platform.code();
  }

  static Platform platform(byte code) {
    return Platform.fromCode(code);
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

  /** The lowest key of {@code platform} and {@code priority}: where a scan of them starts. */
  public static DueIndexKey first(Platform platform, int priority) {
    return new DueIndexKey(platform, priority, 0L, LOWEST_ID);
  }

  /**
   * The highest key of {@code platform} and {@code priority} due at or before {@code upTo}: where a
   * scan of what is due at {@code upTo} ends (inclusive).
   */
  public static DueIndexKey last(Platform platform, int priority, Instant upTo) {
    return new DueIndexKey(platform, priority, upTo.toEpochMilli(), HIGHEST_ID);
  }

  /** The order of the keys' bytes (see the class comment). */
  @Override
  public int compareTo(DueIndexKey other) {
    int byPlatform = Integer.compare(code(platform), code(other.platform));
    if (byPlatform != 0) {
      return byPlatform;
    }
    int byPriority = Integer.compare(priority, other.priority);
    if (byPriority != 0) {
      return byPriority;
    }
    return compare(
        dueEpochMillis,
        messageId.getMostSignificantBits(),
        messageId.getLeastSignificantBits(),
        other.dueEpochMillis,
        other.messageId.getMostSignificantBits(),
        other.messageId.getLeastSignificantBits());
  }

  /**
   * The order of two keys of the same platform and priority, given as due millis and id bits: due
   * time, then the id's bits as unsigned numbers (the byte order of their big-endian encoding).
   */
  static int compare(long dueA, long msbA, long lsbA, long dueB, long msbB, long lsbB) {
    if (dueA != dueB) {
      return Long.compare(dueA, dueB);
    }
    if (msbA != msbB) {
      return Long.compareUnsigned(msbA, msbB);
    }
    return Long.compareUnsigned(lsbA, lsbB);
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
}

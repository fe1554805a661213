package org.schedmsg.scheduler.store;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.common.utils.Bytes;
import org.schedmsg.contracts.ScheduledMessage;

/**
 * Key of the {@code due-index} store: 1 byte priority, 8 bytes big-endian due epoch millis, 16
 * bytes message UUID (most, then least significant bits). RocksDB orders keys by unsigned bytes, so
 * a range scan yields priority first, then due time, then id.
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
public record DueIndexKey(int priority, long dueEpochMillis, UUID messageId) {
  public static final int SIZE = 1 + Long.BYTES + 2 * Long.BYTES;

  public DueIndexKey {
    priority = clampPriority(priority);
    dueEpochMillis = Math.max(0L, dueEpochMillis);
  }

  /** The key of {@code messageId} with {@code priority}, due at {@code due}. */
  public static DueIndexKey of(int priority, Instant due, UUID messageId) {
    return new DueIndexKey(priority, ceilMillis(due), messageId);
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

  /** Inclusive lower bound of a scan over {@code priority}: its first possible key. */
  public static Bytes scanFrom(int priority) {
    return bound(priority, 0L, 0L);
  }

  /**
   * Inclusive upper bound of a scan over {@code priority}: every key due at or before {@code upTo}.
   */
  public static Bytes scanTo(int priority, Instant upTo) {
    return bound(priority, Math.max(0L, upTo.toEpochMilli()), -1L);
  }

  public Bytes toBytes() {
    return Bytes.wrap(
        ByteBuffer.allocate(SIZE)
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
    int priority = buffer.get();
    long due = buffer.getLong();
    return new DueIndexKey(priority, due, new UUID(buffer.getLong(), buffer.getLong()));
  }

  private static Bytes bound(int priority, long millis, long idFill) {
    return Bytes.wrap(
        ByteBuffer.allocate(SIZE)
            .put((byte) clampPriority(priority))
            .putLong(millis)
            .putLong(idFill)
            .putLong(idFill)
            .array());
  }
}

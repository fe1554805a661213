package org.schedmsg.scheduler.store;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.schedmsg.contracts.Platform;

/**
 * The due-index keys of one platform and priority, sorted in key order ({@link
 * DueIndexKey#compare}): each key is held as three longs (due millis, id most and least significant
 * bits) in chunks of up to {@value #CHUNK} keys, each chunk one {@code long[]}, the chunks in a
 * sorted list. A key costs 24 bytes in a full chunk, 48 in a half-full one (a split leaves two
 * half-full chunks, a key after the last one starts a new chunk, and a chunk under a quarter full
 * is merged into a neighbour when they fit); 24 to 34 bytes per key measured with a million keys,
 * where a {@code TreeSet} costs about 100 bytes and three objects per key.
 *
 * <p>Lookups are a binary search over the chunks' first keys and one within a chunk; an insert or a
 * removal moves at most one chunk's keys (3 KiB). Not thread-safe: one stream task's.
 */
final class SortedDueKeys {
  /** Keys per chunk at most. */
  static final int CHUNK = 128;

  /** A chunk this small is merged with a neighbour when they fit in one. */
  private static final int MERGE_BELOW = CHUNK / 4;

  private final Platform platform;
  private final int priority;
  private final List<Chunk> chunks = new ArrayList<>();
  private int size;

  SortedDueKeys(Platform platform, int priority) {
    this.platform = platform;
    this.priority = priority;
  }

  int size() {
    return size;
  }

  /** Adds the key (due, msb, lsb); false when it is already there. */
  boolean add(long due, long msb, long lsb) {
    if (chunks.isEmpty()) {
      chunks.add(new Chunk());
    }
    int index = chunkFor(due, msb, lsb);
    Chunk chunk = chunks.get(index);
    int pos = chunk.search(due, msb, lsb);
    if (pos >= 0) {
      return false;
    }
    pos = -pos - 1;
    if (chunk.size == CHUNK) {
      if (pos == CHUNK && index == chunks.size() - 1) {
        // after the last key (keys often come in due order): start a new chunk, keep this one full
        chunk = new Chunk();
        chunks.add(chunk);
        pos = 0;
      } else {
        Chunk upper = chunk.split();
        chunks.add(index + 1, upper);
        if (pos > chunk.size) {
          pos -= chunk.size;
          chunk = upper;
        }
      }
    }
    chunk.insert(pos, due, msb, lsb);
    size++;
    return true;
  }

  /** Removes the key (due, msb, lsb); false when it is not there. */
  boolean remove(long due, long msb, long lsb) {
    if (chunks.isEmpty()) {
      return false;
    }
    int index = chunkFor(due, msb, lsb);
    Chunk chunk = chunks.get(index);
    int pos = chunk.search(due, msb, lsb);
    if (pos < 0) {
      return false;
    }
    chunk.delete(pos);
    size--;
    if (chunk.size == 0) {
      chunks.remove(index);
    } else if (chunk.size < MERGE_BELOW) {
      mergeWithNeighbour(index);
    }
    return true;
  }

  /** The first key at or after (due, msb, lsb), or null. */
  DueIndexKey ceiling(long due, long msb, long lsb) {
    if (chunks.isEmpty()) {
      return null;
    }
    int index = chunkFor(due, msb, lsb);
    Chunk chunk = chunks.get(index);
    int pos = chunk.search(due, msb, lsb);
    if (pos < 0) {
      pos = -pos - 1;
    }
    if (pos == chunk.size) {
      if (index + 1 == chunks.size()) {
        return null;
      }
      chunk = chunks.get(index + 1);
      pos = 0;
    }
    return chunk.key(platform, priority, pos);
  }

  /** Every key, in order. */
  void addAllTo(List<DueIndexKey> keys) {
    for (Chunk chunk : chunks) {
      for (int pos = 0; pos < chunk.size; pos++) {
        keys.add(chunk.key(platform, priority, pos));
      }
    }
  }

  void clear() {
    chunks.clear();
    size = 0;
  }

  /** The last chunk whose first key is at or before the key, or 0 when there is none. */
  private int chunkFor(long due, long msb, long lsb) {
    int low = 0;
    int high = chunks.size() - 1;
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (chunks.get(mid).compareAt(0, due, msb, lsb) <= 0) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }

  private void mergeWithNeighbour(int index) {
    Chunk chunk = chunks.get(index);
    if (index + 1 < chunks.size() && chunk.size + chunks.get(index + 1).size <= CHUNK) {
      chunk.append(chunks.remove(index + 1));
    } else if (index > 0 && chunks.get(index - 1).size + chunk.size <= CHUNK) {
      chunks.get(index - 1).append(chunks.remove(index));
    }
  }

  /** Up to {@value #CHUNK} sorted keys, three longs each. */
  private static final class Chunk {
    final long[] keys = new long[3 * CHUNK];
    int size;

    /** The position of the key, or (-(insertion point) - 1) when it is not here. */
    int search(long due, long msb, long lsb) {
      int low = 0;
      int high = size - 1;
      while (low <= high) {
        int mid = (low + high) >>> 1;
        int order = compareAt(mid, due, msb, lsb);
        if (order < 0) {
          low = mid + 1;
        } else if (order > 0) {
          high = mid - 1;
        } else {
          return mid;
        }
      }
      return -(low + 1);
    }

    int compareAt(int pos, long due, long msb, long lsb) {
      int at = 3 * pos;
      return DueIndexKey.compare(keys[at], keys[at + 1], keys[at + 2], due, msb, lsb);
    }

    void insert(int pos, long due, long msb, long lsb) {
      int at = 3 * pos;
      System.arraycopy(keys, at, keys, at + 3, 3 * (size - pos));
      keys[at] = due;
      keys[at + 1] = msb;
      keys[at + 2] = lsb;
      size++;
    }

    void delete(int pos) {
      int at = 3 * pos;
      System.arraycopy(keys, at + 3, keys, at, 3 * (size - pos - 1));
      size--;
    }

    /** Moves the upper half of the keys into a new chunk, which it returns. */
    Chunk split() {
      Chunk upper = new Chunk();
      int keep = size / 2;
      upper.size = size - keep;
      System.arraycopy(keys, 3 * keep, upper.keys, 0, 3 * upper.size);
      size = keep;
      return upper;
    }

    /** Appends the keys of {@code next}, which all follow this chunk's. */
    void append(Chunk next) {
      System.arraycopy(next.keys, 0, keys, 3 * size, 3 * next.size);
      size += next.size;
    }

    DueIndexKey key(Platform platform, int priority, int pos) {
      int at = 3 * pos;
      return new DueIndexKey(platform, priority, keys[at], new UUID(keys[at + 1], keys[at + 2]));
    }
  }
}

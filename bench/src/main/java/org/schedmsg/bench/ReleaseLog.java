package org.schedmsg.bench;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each message became available to its contestant's sending code: for a poller the moment its
 * claim returned the row, for db-scheduler the moment its execution handler was called, for the
 * pipeline the broker's append time of the record on the delivery topic. Only the first release of
 * a message counts. Thread-safe.
 */
final class ReleaseLog {
  private final Map<UUID, Instant> first = new ConcurrentHashMap<>();

  /** Records that {@code messageId} was released at {@code at}, unless it was released before. */
  void released(UUID messageId, Instant at) {
    first.putIfAbsent(messageId, at);
  }

  /** The first release of {@code messageId}, or null when it was never released. */
  Instant firstRelease(UUID messageId) {
    return first.get(messageId);
  }

  int size() {
    return first.size();
  }
}

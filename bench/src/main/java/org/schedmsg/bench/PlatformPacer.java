package org.schedmsg.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * The platform's rate limit as a client must respect it: at most {@code messagesPerSecond} sends,
 * evenly spaced, shared by all sending threads. (The pipeline's senders pace themselves the same
 * way with {@code SENDER_MESSAGES_PER_SECOND}.)
 */
final class PlatformPacer {
  private final long intervalNanos;
  private long nextSlot = System.nanoTime();

  PlatformPacer(int messagesPerSecond) {
    if (messagesPerSecond < 1) {
      throw new IllegalArgumentException("--platform-rate must be at least 1");
    }
    this.intervalNanos = 1_000_000_000L / messagesPerSecond;
  }

  /** Blocks until the caller may send one message. */
  void acquire() {
    long slot;
    synchronized (this) {
      slot = Math.max(nextSlot, System.nanoTime());
      nextSlot = slot + intervalNanos;
    }
    LockSupport.parkNanos(slot - System.nanoTime());
  }
}

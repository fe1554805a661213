package org.schedmsg.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Open-loop inserts, shaped like several upstream service instances: {@code writers} threads, each
 * with its own connection; row {@code i} is planned for {@code i / rate} seconds after the start,
 * and each writer, at most every {@value #TICK_MILLIS} ms, inserts every planned row whose time has
 * passed and that no other writer took (up to {@value #MAX_ROWS_PER_TRANSACTION}) as one multi-row
 * {@code INSERT}, one transaction. The schedule does not wait for the database: when inserting
 * falls behind, the next transactions simply carry more rows, and the achieved rate is reported.
 */
final class OpenLoopWriter {
  static final long TICK_MILLIS = 5;
  static final int MAX_ROWS_PER_TRANSACTION = 500;

  /** Makes row {@code index}, inserted at {@code now}. Called from the writer threads. */
  interface Rows {
    PlannedMessage make(int index, Instant now);
  }

  /** What was written and how fast. */
  record Written(List<PlannedMessage> messages, double achievedPerSecond) {}

  private final DataSource owner;
  private final int rate;
  private final int total;
  private final int writers;
  private long start;
  private int next;

  OpenLoopWriter(DataSource owner, int rate, Duration duration, int writers) {
    if (rate < 1 || writers < 1) {
      throw new IllegalArgumentException("rate and writers must be at least 1");
    }
    this.owner = owner;
    this.rate = rate;
    this.total = (int) Math.max(1, rate * duration.toMillis() / 1000);
    this.writers = writers;
  }

  int total() {
    return total;
  }

  /** Writes every row; returns once the last is committed. */
  Written write(Rows rows) {
    PlannedMessage[] all = new PlannedMessage[total];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong lastCommit = new AtomicLong();
    start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  writeLoop(rows, all, lastCommit);
                } catch (Throwable e) { // reported by the caller
                  failure.compareAndSet(null, e);
                }
              },
              "open-loop-writer-" + w);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while writing", e);
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException("an open-loop writer failed", failure.get());
    }
    double seconds = (lastCommit.get() - start) / 1e9;
    return new Written(Arrays.asList(all), seconds <= 0 ? Double.NaN : total / seconds);
  }

  private void writeLoop(Rows rows, PlannedMessage[] all, AtomicLong lastCommit)
      throws SQLException {
    try (Connection c = owner.getConnection()) {
      c.setAutoCommit(true);
      long nextTick = System.nanoTime();
      while (true) {
        LockSupport.parkNanos(nextTick - System.nanoTime());
        nextTick = System.nanoTime() + TICK_MILLIS * 1_000_000;
        int[] range = claim();
        if (range == null) {
          return;
        }
        if (range[0] == range[1]) {
          nextTick = Math.max(nextTick, plannedNanos(range[0]));
          continue;
        }
        Instant now = Instant.now();
        List<PlannedMessage> batch = new ArrayList<>(range[1] - range[0]);
        for (int i = range[0]; i < range[1]; i++) {
          PlannedMessage m = rows.make(i, now);
          all[i] = m;
          batch.add(m);
        }
        MessageWriter.insertMany(c, batch);
        lastCommit.accumulateAndGet(System.nanoTime(), Math::max);
      }
    }
  }

  private long plannedNanos(int index) {
    return start + (long) (index * 1e9 / rate);
  }

  /** The next rows to insert, {from, to}; from == to when none is due yet; null when done. */
  private synchronized int[] claim() {
    if (next >= total) {
      return null;
    }
    long elapsed = System.nanoTime() - start;
    int due = (int) Math.min(total, elapsed * rate / 1_000_000_000L + 1);
    int from = next;
    int to = Math.max(from, Math.min(due, from + MAX_ROWS_PER_TRANSACTION));
    next = to;
    return new int[] {from, to};
  }
}

package org.schedmsg.observability;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor of the JDK HTTP server: {@value #THREADS} daemon threads, and a time bound on every
 * exchange.
 *
 * <p>The JDK server reads the request line and headers on the executor's thread, from a blocking
 * {@link java.nio.channels.SocketChannel}; a client that sends half a request would hold that
 * thread for as long as it keeps the connection open. Here a watchdog interrupts a thread whose
 * exchange is still running when {@code bound} has passed. The channel is interruptible, so the
 * blocked read or write fails with {@link java.nio.channels.ClosedByInterruptException}, the JDK
 * closes the connection and the thread is free again. The interrupt is cleared before the thread
 * takes its next exchange.
 *
 * <p>When all threads are busy, up to {@value #QUEUE} exchanges wait; beyond that the JDK server
 * closes new connections at once.
 */
final class BoundedExchangeExecutor implements Executor {
  static final int THREADS = 4;
  static final int QUEUE = 64;

  private final ThreadPoolExecutor workers;
  private final ScheduledThreadPoolExecutor watchdog;
  private final Duration bound;
  private final Runnable onTimeout;
  private final AtomicInteger active = new AtomicInteger();

  /**
   * @param name prefix of the thread names
   * @param onTimeout run on the worker thread after an exchange was cut off
   */
  BoundedExchangeExecutor(String name, Duration bound, Runnable onTimeout) {
    this.bound = Objects.requireNonNull(bound, "bound");
    this.onTimeout = Objects.requireNonNull(onTimeout, "onTimeout");
    this.workers =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            DaemonThreads.named(name));
    this.watchdog = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(name + "-watchdog"));
    watchdog.setRemoveOnCancelPolicy(true);
  }

  @Override
  public void execute(Runnable exchange) {
    workers.execute(() -> runBounded(exchange));
  }

  /** Exchanges holding a thread now. */
  int active() {
    return active.get();
  }

  void shutdown() {
    workers.shutdownNow();
    watchdog.shutdownNow();
  }

  private void runBounded(Runnable exchange) {
    Deadline deadline = new Deadline(Thread.currentThread());
    ScheduledFuture<?> alarm =
        watchdog.schedule(deadline::expire, bound.toNanos(), TimeUnit.NANOSECONDS);
    active.incrementAndGet();
    try {
      exchange.run();
    } finally {
      active.decrementAndGet();
      alarm.cancel(false);
      if (deadline.finish()) {
        onTimeout.run();
      }
    }
  }

  /** Interrupts the worker only while its exchange runs, never the exchange that follows. */
  private static final class Deadline {
    private final Thread worker;
    private boolean finished;
    private boolean expired;

    Deadline(Thread worker) {
      this.worker = worker;
    }

    synchronized void expire() {
      if (!finished) {
        expired = true;
        worker.interrupt();
      }
    }

    /** Whether the exchange was cut off; clears the interrupt that cut it off. */
    synchronized boolean finish() {
      finished = true;
      if (expired) {
        Thread.interrupted();
      }
      return expired;
    }
  }
}

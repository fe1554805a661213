package org.schedmsg.sender.core.consume;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;

/**
 * What the sender's two consumers ({@link DeliveryConsumer}, {@link RejectionConsumer}) share: one
 * thread that subscribes and polls until closed, a pause after a failed poll, commits that never
 * escape, and a close that ends the loop without waiting out a backoff.
 *
 * <ul>
 *   <li>A failed step (any {@link RuntimeException} but a wakeup or an interrupt) is logged and
 *       tried again after {@link OutagePause#delay}; the loop stays alive.
 *   <li>{@link #close()} stops the loop and the pause at once (a backoff in progress ends), wakes a
 *       blocked poll, lets the step in progress finish for up to the shutdown grace, then
 *       interrupts it and waits as long again. The consumer commits what is done and leaves its
 *       group on the loop's thread.
 * </ul>
 */
abstract class PollLoop<V> implements Runnable, AutoCloseable {
  protected final Consumer<String, V> consumer;
  protected final OutagePause outagePause;
  private final String topicName;
  private final Duration shutdownGrace;
  private final Logger log;
  private volatile boolean running = true;
  private volatile Thread thread;

  PollLoop(
      Consumer<String, V> consumer,
      String topicName,
      OutagePause outagePause,
      Duration shutdownGrace,
      Logger log) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.topicName = Objects.requireNonNull(topicName, "topicName");
    this.outagePause = Objects.requireNonNull(outagePause, "outagePause");
    this.shutdownGrace = Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    this.log = Objects.requireNonNull(log, "log");
  }

  /** Subscribes the consumer; called once, on the loop's thread. */
  protected abstract void subscribe();

  /** One poll and what follows it (processing, commit); called while running. */
  protected abstract void pollOnce();

  /** After a step that did not fail. */
  protected void stepDone() {}

  /** Runs the loop on a new thread named {@code name}. */
  public final synchronized void start(String name) {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = new Thread(this, name);
    thread.start();
  }

  @Override
  public final void run() {
    thread = thread == null ? Thread.currentThread() : thread;
    try {
      subscribe();
      log.info("consuming {}", topicName);
      int failures = 0;
      while (running) {
        try {
          pollOnce();
          stepDone();
          failures = 0;
        } catch (WakeupException e) {
          log.debug("consumer of {} woken up to stop", topicName);
        } catch (InterruptException e) {
          log.info("consumer of {} interrupted; stopping", topicName);
          running = false;
        } catch (RuntimeException e) {
          failures++;
          log.error(
              "polling {} failed; polling again after {} ms",
              topicName,
              outagePause.delay(failures).toMillis(),
              e);
          outagePause.await(failures);
        }
      }
    } finally {
      closeConsumer();
    }
  }

  /** False once {@link #close()} was called: finish the step, start no new work. */
  protected final boolean running() {
    return running;
  }

  /**
   * Commits {@code offsets}; a failure is logged with {@code consequence} (what happens to those
   * records) and never escapes: they come again and are recognised as done. A wakeup from {@link
   * #close()} while committing finished work commits it before stopping.
   */
  protected final void commit(Map<TopicPartition, OffsetAndMetadata> offsets, String consequence) {
    if (offsets.isEmpty()) {
      return;
    }
    try {
      try {
        consumer.commitSync(offsets);
      } catch (WakeupException e) {
        consumer.commitSync(offsets);
      }
    } catch (KafkaException e) {
      log.warn("committing {} failed; {}", offsets, consequence, e);
    }
  }

  private void closeConsumer() {
    boolean interrupted = Thread.interrupted(); // let close() commit and leave the group
    try {
      // a clean stop leaves the group even as a static member (SENDER_INSTANCE_ID), so its
      // partitions move at once; only a crash keeps them for the instance's restart
      consumer.close(CloseOptions.groupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP));
    } catch (KafkaException e) {
      log.warn("closing the consumer of {} failed", topicName, e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    log.info("stopped consuming {}", topicName);
  }

  /**
   * Stops the loop: a backoff in progress ends at once, the step in progress finishes (up to the
   * shutdown grace, then it is interrupted), finished work is committed, the consumer leaves its
   * group.
   */
  @Override
  public void close() {
    running = false;
    outagePause.stop();
    consumer.wakeup();
    Thread worker = thread;
    if (worker == null || worker == Thread.currentThread()) {
      return;
    }
    try {
      worker.join(shutdownGrace.toMillis());
      if (worker.isAlive()) {
        log.warn("the step in progress did not finish within {}; interrupting", shutdownGrace);
        worker.interrupt();
        worker.join(shutdownGrace.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** True while the loop's thread runs. */
  public final boolean isRunning() {
    Thread current = thread;
    return current != null && current.isAlive();
  }
}

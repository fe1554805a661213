package org.schedmsg.scheduler.processor;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a task's releases while its CDC input is catching up after a gap (the ingestor, the broker
 * or this scheduler was down; the WAL sender restarted), so that rows due together that arrive over
 * several polls, all already overdue, are released most urgent first instead of in the order they
 * arrived (scheduler-stream README, "Catching up").
 *
 * <p>The rule: a change that arrives more than {@code lag} after its source transaction committed,
 * or a snapshot read (a snapshot is a catch-up by definition; its rows carry the time they were
 * read), starts a hold. The hold ends when no such change has arrived for {@link #QUIET}, or after
 * {@link #MAX_HOLD} at the latest; a hold that reached its maximum is not started again until the
 * input has been quiet once (a long catch-up then releases as it reads, rather than one punctuation
 * every {@link #MAX_HOLD}). Time is the task's wall clock, in epoch milliseconds. One instance per
 * stream task; not thread-safe (a task runs on one thread).
 */
public final class CatchUpGate {
  /** No late change for this long: the input has caught up. */
  public static final Duration QUIET = Duration.ofMillis(500);

  /** The longest one hold lasts, however long the catch-up. */
  public static final Duration MAX_HOLD = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(CatchUpGate.class);
  private static final long NONE = Long.MIN_VALUE;

  private final long lagMillis;
  private final String task;
  private long lastLateArrival = NONE;
  private long holdingSince = NONE;
  private boolean gaveUp;
  private long lateChanges;

  /**
   * @param lag how long after its commit a change may arrive before it counts as late; zero turns
   *     the gate off
   * @param task the task's name, for the log
   */
  public CatchUpGate(Duration lag, String task) {
    this.lagMillis = lag.toMillis();
    this.task = task;
  }

  /**
   * A change committed at {@code committedAt} (null: unknown) arrived at {@code now}; {@code
   * snapshot}: it is a snapshot read.
   */
  public void arrived(Instant committedAt, boolean snapshot, long now) {
    boolean late =
        snapshot || (committedAt != null && now - committedAt.toEpochMilli() > lagMillis);
    if (lagMillis <= 0 || !late) {
      return;
    }
    lastLateArrival = now;
    lateChanges++;
    if (holdingSince == NONE && !gaveUp) {
      holdingSince = now;
      log.info(
          "task {}: CDC input is catching up ({}); releases wait until it has caught up",
          task,
          snapshot
              ? "a snapshot read arrived"
              : "a change committed " + (now - committedAt.toEpochMilli()) + " ms ago arrived");
    }
  }

  /** Whether releases wait at {@code now}; ends the hold (or the give-up) when its time is up. */
  public boolean holds(long now) {
    boolean quiet = lastLateArrival == NONE || now - lastLateArrival >= QUIET.toMillis();
    if (gaveUp && quiet) {
      gaveUp = false;
      log.info("task {}: CDC input caught up", task);
    }
    if (holdingSince == NONE) {
      return false;
    }
    if (quiet) {
      log.info(
          "task {}: CDC input caught up ({} late changes); releases resume after {} ms",
          task,
          lateChanges,
          now - holdingSince);
      endHold();
      return false;
    }
    if (now - holdingSince >= MAX_HOLD.toMillis()) {
      log.warn(
          "task {}: CDC input still catching up after {} ms ({} late changes); releasing in"
              + " arrival order until it has",
          task,
          now - holdingSince,
          lateChanges);
      endHold();
      gaveUp = true;
      return false;
    }
    return true;
  }

  private void endHold() {
    holdingSince = NONE;
    lateChanges = 0;
  }
}

package org.schedmsg.scheduler.processor;

/**
 * The scale-out rule of the scheduler. The CDC topic has {@code partitions} partitions, each one
 * task; Kafka Streams spreads the tasks over the instances (and moves them when one is lost). Each
 * task releases at most {@code rate / partitions} per second of each platform ({@link TokenBucket})
 * and counts its own releases against the senders' outstanding bound as if every task released as
 * many ({@link UnsentLimit}), so the configured release rate and bound hold in aggregate whether
 * one instance runs every task or six instances run one each, and a task that moves takes its share
 * with it.
 *
 * <p>Priority order: a task releases its own due messages most urgent first, exactly as a single
 * task did. Across tasks (messages of different partitions), the order holds to within one
 * punctuation ({@code SCHEDULER_PUNCTUATE_INTERVAL}, 100 ms): every task punctuates on that
 * interval and an urgent message of one task never waits for another task's tokens. The senders
 * then dispatch each poll most urgent first. The cost of the split: under a skewed load (one
 * partition due, the others idle), the busy task cannot borrow the others' share; message ids are
 * random UUIDs, so a burst spreads evenly.
 *
 * @param partitions the CDC topic's partition count, read when the scheduler starts
 */
public record TaskShare(int partitions) {
  /** One task holds the whole rate: a CDC topic of one partition. */
  public static final TaskShare WHOLE = new TaskShare(1);

  public TaskShare {
    if (partitions < 1) {
      throw new IllegalArgumentException("the CDC topic has at least one partition");
    }
  }
}

package org.schedmsg.sender.core.status;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Group commit: calls made by concurrent threads while a group is being written are written
 * together, as one group, by one of the callers (the leader), then each caller gets its own result.
 * A caller alone is written alone at once, so an idle sender waits for nothing; under load, one
 * transaction (one WAL flush) serves up to {@code maxGroup} messages.
 *
 * <p>Failures: a group that fails with an error {@code isolate} accepts (one that would repeat,
 * such as a constraint) wrote nothing (one transaction), so each member is then written alone and
 * only the member that causes it fails; any other error (an outage) is every member's error, as if
 * each had been written alone at that moment. A caller waiting for its group is never abandoned (an
 * interrupt is kept for later): a member written after its caller left would be a claim nobody
 * sends.
 *
 * @param <I> what one caller writes
 * @param <O> what it gets back
 */
final class GroupCommit<I, O> {
  private final Function<List<I>, List<O>> write;
  private final Predicate<RuntimeException> isolate;
  private final int maxGroup;
  private final ArrayDeque<Member<I, O>> waiting = new ArrayDeque<>();
  private boolean leading;

  /**
   * @param write writes a group in one transaction; element {@code i} of its result belongs to
   *     element {@code i} of its argument
   * @param isolate true for a failure that the members are then written alone to find
   * @param maxGroup the most members in one group
   */
  GroupCommit(Function<List<I>, List<O>> write, Predicate<RuntimeException> isolate, int maxGroup) {
    if (maxGroup < 1) {
      throw new IllegalArgumentException("maxGroup must be at least 1");
    }
    this.write = Objects.requireNonNull(write, "write");
    this.isolate = Objects.requireNonNull(isolate, "isolate");
    this.maxGroup = maxGroup;
  }

  /** Writes {@code input} in a group with whatever else is waiting; returns its own result. */
  O submit(I input) {
    Member<I, O> mine = new Member<>(input);
    boolean interrupted = false;
    try {
      synchronized (this) {
        waiting.add(mine);
      }
      while (true) {
        List<Member<I, O>> group;
        synchronized (this) {
          while (!mine.done && leading) {
            try {
              wait();
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
          if (mine.done) {
            return mine.result();
          }
          leading = true;
          group = new ArrayList<>(Math.min(maxGroup, waiting.size()));
          while (group.size() < maxGroup && !waiting.isEmpty()) {
            group.add(waiting.poll());
          }
        }
        try {
          writeGroup(group);
        } finally {
          synchronized (this) {
            for (Member<I, O> member : group) {
              member.done = true;
            }
            leading = false;
            notifyAll();
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void writeGroup(List<Member<I, O>> group) {
    List<I> inputs = new ArrayList<>(group.size());
    for (Member<I, O> member : group) {
      inputs.add(member.input);
    }
    try {
      settle(group, write.apply(inputs));
    } catch (RuntimeException e) {
      if (group.size() == 1 || !isolate.test(e)) {
        for (Member<I, O> member : group) {
          member.failure = e;
        }
        return;
      }
      for (Member<I, O> member : group) {
        try {
          settle(List.of(member), write.apply(List.of(member.input)));
        } catch (RuntimeException alone) {
          member.failure = alone;
        }
      }
    } catch (Error e) {
      for (Member<I, O> member : group) {
        member.failure = new IllegalStateException("the group write failed", e);
      }
      throw e;
    }
  }

  private static <I, O> void settle(List<Member<I, O>> members, List<O> results) {
    if (results.size() != members.size()) {
      throw new IllegalStateException(
          "a group of " + members.size() + " got " + results.size() + " results");
    }
    for (int i = 0; i < members.size(); i++) {
      members.get(i).value = results.get(i);
    }
  }

  /** One caller's input and, once its group was written, its result or failure. */
  private static final class Member<I, O> {
    final I input;
    O value;
    RuntimeException failure;
    boolean done; // guarded by the GroupCommit's lock

    Member(I input) {
      this.input = input;
    }

    O result() {
      if (failure != null) {
        throw failure;
      }
      return value;
    }
  }
}

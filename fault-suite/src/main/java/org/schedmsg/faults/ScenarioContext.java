package org.schedmsg.faults;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * What a scenario works with: the running stack, the load generator, and the record of what it did
 * (faults injected, the crash window it opened, notes for the report).
 */
final class ScenarioContext {
  private final Scenario scenario;
  private final Stack stack;
  private final LoadGenerator generator;
  private final List<LoadGenerator.Load> loads = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private int faults;
  private int duplicateBound;
  private Instant schedulerKilledAt;

  ScenarioContext(Scenario scenario, Stack stack, LoadGenerator generator) {
    this.scenario = scenario;
    this.stack = stack;
    this.generator = generator;
  }

  Stack stack() {
    return stack;
  }

  LoadGenerator generator() {
    return generator;
  }

  /** Writes the scenario's rows, calling {@code midBurst} halfway, then its cancels and edits. */
  LoadGenerator.Load load(Runnable midBurst) throws SQLException {
    LoadGenerator.Load load = generator.insert(scenario.name(), midBurst);
    loads.add(load);
    int refused = generator.cancelAndEdit(load);
    if (refused > 0) {
      note(refused + " upstream cancels/edits found the row no longer pending");
    }
    return load;
  }

  LoadGenerator.Load load() throws SQLException {
    return load(() -> {});
  }

  /**
   * Writes the load and runs {@code fault} once, on the fake platform's thread, at the first answer
   * that {@code when} picks (before the sender reads it); waits up to a minute for that answer.
   * Returns the load, or null when no such answer came (the fault was not injected: noted as {@code
   * missed}).
   */
  LoadGenerator.Load loadWithFaultAtAnswer(
      Predicate<JournalEntry> when, Runnable fault, String missed)
      throws SQLException, InterruptedException {
    CountDownLatch injected = new CountDownLatch(1);
    AtomicBoolean once = new AtomicBoolean();
    stack
        .journal()
        .onAnswer(
            entry -> {
              if (when.test(entry) && once.compareAndSet(false, true)) {
                fault.run();
                injected.countDown();
              }
            });
    try {
      LoadGenerator.Load load = load();
      if (!injected.await(60, TimeUnit.SECONDS)) {
        note(missed);
        return null;
      }
      return load;
    } finally {
      stack.journal().clearHook();
    }
  }

  /** Waits until none of the scenario's rows is pending; false when {@code timeout} passed. */
  boolean awaitRowsEnded(Duration timeout) {
    String prefix = generator.prefix(scenario.name());
    RowReader reader = new RowReader();
    return ManagedProcess.await(
        () -> {
          try (java.sql.Connection c = stack.owner()) {
            return reader.pending(c, prefix) == 0;
          } catch (SQLException e) {
            return false;
          }
        },
        timeout);
  }

  /** Counts one injected fault. */
  synchronized void fault(String what) {
    faults++;
    notes.add(what);
  }

  /** Opens the documented crash window of one sender instance (SENDER_SEND_CONCURRENCY). */
  synchronized void senderDiedMidSend() {
    duplicateBound += Stack.SEND_CONCURRENCY;
  }

  /**
   * Opens the fail-over window of a scheduler instance killed now: its tasks' due messages wait
   * until the tasks have moved (up to SCHEDULER_SESSION_TIMEOUT), behind what the other instance
   * released meanwhile (root README, "Priority under a backlog").
   */
  synchronized void schedulerKilled() {
    schedulerKilledAt = Instant.now();
  }

  /** When a scheduler instance was killed, or null. */
  synchronized Instant schedulerKilledAt() {
    return schedulerKilledAt;
  }

  synchronized void note(String note) {
    notes.add(note);
  }

  synchronized int faults() {
    return faults;
  }

  synchronized int duplicateBound() {
    return duplicateBound;
  }

  synchronized List<String> notes() {
    return List.copyOf(notes);
  }

  List<LoadGenerator.Load> loads() {
    return List.copyOf(loads);
  }
}

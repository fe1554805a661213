package org.schedmsg.observability;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The checks behind one health path, evaluated together with one time bound. Each check runs on
 * {@code executor}, at most one evaluation per check at a time: a probe that arrives while a hung
 * check is still running waits on that same evaluation instead of starting another, so a hung
 * dependency holds one thread, not one per probe.
 */
final class HealthCheckGroup {
  /** Reason of a check that did not answer within the bound. */
  static final String CHECK_TIMEOUT = "check_timeout";

  /** Prefix of the reason of a check that threw; followed by the exception's simple class name. */
  static final String CHECK_FAILED = "check_failed:";

  private final Map<String, BoundedCheck> checks = new LinkedHashMap<>();
  private final Duration timeout;
  private final Executor executor;

  HealthCheckGroup(Duration timeout, Executor executor) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  synchronized void add(String name, HealthCheck check) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a health check needs a name");
    }
    checks.put(name, new BoundedCheck(Objects.requireNonNull(check, "check")));
  }

  /** Starts (or joins) every check, then waits for all of them until the one deadline. */
  HealthReport evaluate() throws InterruptedException {
    Map<String, CompletableFuture<String>> running = new LinkedHashMap<>();
    synchronized (this) {
      checks.forEach((name, check) -> running.put(name, check.evaluation(executor)));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, String> problems = new LinkedHashMap<>();
    for (Map.Entry<String, CompletableFuture<String>> check : running.entrySet()) {
      String problem = outcome(check.getValue(), deadline - System.nanoTime());
      if (problem != null && !problem.isEmpty()) {
        problems.put(check.getKey(), problem);
      }
    }
    return new HealthReport(problems);
  }

  private static String outcome(CompletableFuture<String> evaluation, long nanosLeft)
      throws InterruptedException {
    try {
      return evaluation.get(Math.max(0, nanosLeft), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return CHECK_TIMEOUT;
    } catch (ExecutionException e) {
      return CHECK_FAILED + kind(e.getCause());
    }
  }

  private static String kind(Throwable failure) {
    String simple = failure.getClass().getSimpleName();
    return simple.isEmpty() ? failure.getClass().getName() : simple;
  }

  /** One check and its evaluation in progress, if any. */
  private static final class BoundedCheck {
    private final HealthCheck check;
    private final AtomicReference<CompletableFuture<String>> inFlight = new AtomicReference<>();

    BoundedCheck(HealthCheck check) {
      this.check = check;
    }

    CompletableFuture<String> evaluation(Executor executor) {
      CompletableFuture<String> started = new CompletableFuture<>();
      CompletableFuture<String> running = inFlight.compareAndExchange(null, started);
      if (running != null) {
        return running;
      }
      try {
        executor.execute(() -> run(started));
      } catch (RejectedExecutionException e) {
        inFlight.set(null);
        started.completeExceptionally(e);
      }
      return started;
    }

    private void run(CompletableFuture<String> evaluation) {
      try {
        evaluation.complete(check.problem());
      } catch (RuntimeException | Error e) {
        // reported by name in the probe's answer: check_failed:<exception class>
        evaluation.completeExceptionally(e);
      } finally {
        inFlight.compareAndSet(evaluation, null);
      }
    }
  }
}

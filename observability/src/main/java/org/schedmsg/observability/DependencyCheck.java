package org.schedmsg.observability;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A readiness check for a dependency (PostgreSQL, Kafka) whose probe does I/O: the probe runs on a
 * background daemon thread every {@link OpsConfig#dependencyInterval()}, never on an HTTP probe,
 * and {@link #problem()} answers the latest outcome from memory. Registered with {@link
 * OpsServer#withDependencyCheck}, which closes it with the endpoint.
 *
 * <p>The answer is never older than the probe itself allows: before the first probe has finished it
 * is {@value #NOT_CHECKED_YET}; when no probe has finished for {@value #STALE_INTERVALS} intervals
 * plus the probe's own time bound (a probe hangs in a driver), it is {@value #CHECK_STALE}. Both
 * fail readiness: nothing is reported healthy that was not seen healthy recently.
 */
final class DependencyCheck implements HealthCheck, AutoCloseable {
  static final String NOT_CHECKED_YET = "not_checked_yet";
  static final String CHECK_STALE = "check_stale";
  static final int STALE_INTERVALS = 3;

  private record Outcome(String problem, long atNanos) {}

  private final HealthCheck probe;
  private final long staleAfterNanos;
  private final LongSupplier nanoTime;
  private final ScheduledExecutorService thread;
  private volatile Outcome latest;

  private DependencyCheck(
      String name, HealthCheck probe, Duration interval, Duration probeTimeout, LongSupplier now) {
    this.probe = Objects.requireNonNull(probe, "probe");
    this.staleAfterNanos = interval.multipliedBy(STALE_INTERVALS).plus(probeTimeout).toNanos();
    this.nanoTime = now;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("ops-dependency-" + name));
  }

  /**
   * Starts probing at once and then every {@code interval} after the previous probe ended.
   *
   * @param probeTimeout the longest a probe takes when the dependency does not answer (its own
   *     bound); added to the staleness limit
   */
  static DependencyCheck start(
      String name, HealthCheck probe, Duration interval, Duration probeTimeout) {
    return start(name, probe, interval, probeTimeout, System::nanoTime);
  }

  static DependencyCheck start(
      String name,
      HealthCheck probe,
      Duration interval,
      Duration probeTimeout,
      LongSupplier nanoTime) {
    DependencyCheck check = new DependencyCheck(name, probe, interval, probeTimeout, nanoTime);
    check.thread.scheduleWithFixedDelay(
        check::probeOnce, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    return check;
  }

  private void probeOnce() {
    String problem;
    try {
      problem = probe.problem();
    } catch (RuntimeException e) {
      problem = HealthCheckGroup.CHECK_FAILED + e.getClass().getSimpleName();
    }
    latest = new Outcome(problem, nanoTime.getAsLong());
  }

  @Override
  public String problem() {
    Outcome outcome = latest;
    if (outcome == null) {
      return NOT_CHECKED_YET;
    }
    if (nanoTime.getAsLong() - outcome.atNanos() > staleAfterNanos) {
      return CHECK_STALE;
    }
    return outcome.problem();
  }

  /** Stops probing, then closes the probe if it holds resources (a client, a pool). */
  @Override
  public void close() {
    thread.shutdownNow();
    if (probe instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // closing on shutdown; the probe's resources go with the process
      }
    }
  }
}

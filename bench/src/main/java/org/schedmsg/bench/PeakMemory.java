package org.schedmsg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peak resident memory during a run, on Linux.
 *
 * <p>JVM: {@code VmHWM} of {@code /proc/self/status} after resetting it at the start of the run
 * (writing {@code 5} to {@code /proc/self/clear_refs}); n/a (-1) when the reset fails. Every
 * contestant runs in this one JVM together with the broker, the fake platform and the workload
 * writer, and memory the JVM once took is rarely returned, so this is a coarse figure: it shows a
 * contestant that needs much more memory, not small differences.
 *
 * <p>PostgreSQL: the highest {@link PostgresProcesses#rssBytes() summed RSS} of the server's
 * processes, sampled every {@value #SAMPLE_MILLIS} ms.
 */
final class PeakMemory implements AutoCloseable {
  static final long SAMPLE_MILLIS = 250;

  /** Peaks in bytes, -1 when unknown. */
  record Peaks(long jvmBytes, long postgresBytes) {}

  private final boolean jvmReset;
  private final Optional<PostgresProcesses> postgres;
  private final AtomicLong postgresPeak = new AtomicLong(-1);
  private final Thread sampler;
  private volatile boolean running = true;

  private PeakMemory(Optional<PostgresProcesses> postgres) {
    this.jvmReset = resetJvmPeak();
    this.postgres = postgres;
    this.sampler = new Thread(this::sample, "peak-memory-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  static PeakMemory start(Optional<PostgresProcesses> postgres) {
    return new PeakMemory(postgres);
  }

  private static boolean resetJvmPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private void sample() {
    while (running) {
      postgres.ifPresent(p -> postgresPeak.accumulateAndGet(p.rssBytes(), Math::max));
      try {
        Thread.sleep(SAMPLE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops sampling and returns the peaks since the start. */
  Peaks stop() {
    close();
    postgres.ifPresent(p -> postgresPeak.accumulateAndGet(p.rssBytes(), Math::max));
    long jvm = jvmReset ? PostgresProcesses.statusKiB("self", "VmHWM") : -1;
    return new Peaks(jvm < 0 ? -1 : jvm * 1024, postgresPeak.get());
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }
}

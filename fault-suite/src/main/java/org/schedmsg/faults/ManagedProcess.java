package org.schedmsg.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OS process the suite started (a service or the broker): start, signals by its pid, restart
 * with the same command and environment. It only ever signals the process it started itself.
 */
final class ManagedProcess {
  private static final Logger log = LoggerFactory.getLogger(ManagedProcess.class);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final ProcessLauncher launcher;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path logFile;
  private final int opsPort;
  private Process process;
  private int starts;

  ManagedProcess(
      String name,
      ProcessLauncher launcher,
      List<String> command,
      Map<String, String> environment,
      Path logFile,
      int opsPort) {
    this.name = name;
    this.launcher = launcher;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.logFile = logFile;
    this.opsPort = opsPort;
  }

  String name() {
    return name;
  }

  Path logFile() {
    return logFile;
  }

  synchronized void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    try {
      process = launcher.start(command, environment, logFile);
      starts++;
      log.info("{} started (pid {}, start {})", name, process.pid(), starts);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name, e);
    }
  }

  /** The exit status of the last run, or null while it runs or before the first start. */
  synchronized Integer exitCode() {
    return process == null || process.isAlive() ? null : process.exitValue();
  }

  /** The environment it starts with. */
  Map<String, String> environment() {
    return environment;
  }

  /** The same service with {@code overrides} added to its environment (not started). */
  ManagedProcess withEnvironment(Map<String, String> overrides) {
    Map<String, String> merged = new java.util.HashMap<>(environment);
    merged.putAll(overrides);
    return new ManagedProcess(name, launcher, command, merged, logFile, opsPort);
  }

  synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill9() {
    signal("KILL");
    awaitExit(Duration.ofSeconds(30));
  }

  /** SIGSTOP: the process freezes, its sockets stay open. */
  void freeze() {
    signal("STOP");
  }

  /** SIGCONT after {@link #freeze()}. */
  void thaw() {
    signal("CONT");
  }

  /** SIGTERM and a wait for the exit (SIGKILL after {@code grace}). */
  void stop(Duration grace) {
    Process current;
    synchronized (this) {
      current = process;
    }
    if (current == null || !current.isAlive()) {
      return;
    }
    current.destroy();
    try {
      if (!current.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{} did not stop within {}; killing it", name, grace);
        current.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void signal(String signal) {
    long pid = pid();
    if (pid <= 0 || !alive()) {
      throw new IllegalStateException(name + " is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
      }
      log.info("{}: SIG{} sent to pid {}", name, signal, pid);
    } catch (IOException e) {
      throw new IllegalStateException("cannot signal " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitExit(Duration timeout) {
    Process current;
    synchronized (this) {
      current = process;
    }
    try {
      current.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether {@code /health/ready} answers 200 (services) or the broker answers (broker). */
  boolean ready() {
    if (opsPort <= 0) {
      return alive();
    }
    try {
      HttpResponse<Void> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/health/ready"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Polls {@code condition} until it holds or {@code timeout} passes. */
  static boolean await(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return condition.getAsBoolean();
  }
}

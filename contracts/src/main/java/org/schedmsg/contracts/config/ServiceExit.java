package org.schedmsg.contracts.config;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every service's {@code main} reads its configuration, starts, runs until it is asked to stop
 * and stops, and the one table of exit codes an orchestrator sees (root README, "Exit codes"):
 *
 * <ul>
 *   <li>{@value #STOPPED}: stopped on request (SIGTERM or SIGINT) after a clean shutdown
 *   <li>{@value #FAILED}: could not start (a dependency unreachable, a port taken), stopped by
 *       itself at run time, or did not shut down cleanly: restart it
 *   <li>{@value #INVALID_CONFIGURATION}: a setting is missing or malformed; the one log line names
 *       the key, never the value. A restart does not help (the same code as the operator CLI's
 *       usage error)
 * </ul>
 *
 * <p>SIGTERM and SIGINT are handled, not left to the JVM's default (which runs the shutdown hooks
 * and exits 143 or 130): {@code main} closes the service itself and then exits {@value #STOPPED},
 * or {@value #FAILED} if closing failed. Any other way the JVM is shut down (SIGHUP, a {@code
 * System.exit} elsewhere, a JVM started with {@code -Xrs}) still closes the service once, through a
 * shutdown hook, with the JVM's own exit code.
 */
public final class ServiceExit {
  public static final int STOPPED = 0;
  public static final int FAILED = 1;
  public static final int INVALID_CONFIGURATION = 2;

  /** How long the shutdown hook waits for {@code main} to finish closing the service. */
  static final Duration SHUTDOWN_HOOK_WAIT = Duration.ofMinutes(2);

  /** How often {@code main} asks a running service whether it failed. */
  static final Duration FAILURE_CHECK_INTERVAL = Duration.ofMillis(250);

  private static final Logger log = LoggerFactory.getLogger(ServiceExit.class);

  /** A started service, as {@code main} waits on it and stops it. */
  public interface Running extends AutoCloseable {
    /**
     * Null while the service works; once it stopped by itself in a way only a restart repairs (its
     * liveness check fails), a short reason. Polled; must not block.
     */
    String failure();

    /** Stops the service; throws if it could not stop cleanly. Called once. */
    @Override
    void close();
  }

  /** Starts the service from its configuration; throws if it cannot. */
  @FunctionalInterface
  public interface Startup<C> {
    Running start(C config) throws Exception;
  }

  private final String service;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile String stopReason = "";

  ServiceExit(String service) {
    this.service = Objects.requireNonNull(service, "service");
  }

  /**
   * Runs {@code service} and exits the JVM with its code; never returns. {@code configuration}
   * reads and validates every setting without connecting anywhere: an {@link
   * IllegalArgumentException} from it exits {@value #INVALID_CONFIGURATION} with one log line of
   * its message (configs name the bad key, never the value). {@code startup} starts the service; an
   * exception from it exits {@value #FAILED}.
   */
  public static <C> void run(String service, Supplier<C> configuration, Startup<C> startup) {
    ServiceExit exit = new ServiceExit(service);
    exit.handleStopSignals();
    int code;
    try {
      code = exit.exitCode(configuration, startup);
    } catch (Throwable t) {
      log.error("{} failed; exiting with status {}", service, FAILED, t);
      code = FAILED;
    } finally {
      exit.finished.countDown();
    }
    System.exit(code);
  }

  /** Asks a running {@link #exitCode} to stop the service, as SIGTERM does. */
  void requestStop(String reason) {
    if (stopRequested.getCount() > 0) {
      stopReason = reason;
      stopRequested.countDown();
    }
  }

  /** The exit code of one run: reads the config, starts, waits for a stop or a failure, closes. */
  <C> int exitCode(Supplier<C> configuration, Startup<C> startup) {
    C config;
    try {
      config = configuration.get();
    } catch (IllegalArgumentException e) {
      log.error(
          "{}: invalid configuration, not starting (exit {}): {}",
          service,
          INVALID_CONFIGURATION,
          e.getMessage());
      return INVALID_CONFIGURATION;
    }
    Running running;
    try {
      running = startup.start(config);
    } catch (Exception e) {
      log.error("{} could not start; exiting with status {}", service, FAILED, e);
      return FAILED;
    }
    String failure = awaitStopOrFailure(running);
    if (failure != null) {
      log.error(
          "{} stopped by itself ({}); exiting with status {} so that it is restarted",
          service,
          failure,
          FAILED);
      close(running);
      return FAILED;
    }
    log.info("{}: {}, stopping", service, stopReason);
    if (!close(running)) {
      return FAILED;
    }
    log.info("{} stopped cleanly; exiting with status {}", service, STOPPED);
    return STOPPED;
  }

  /** Null once a stop was requested; the service's failure if it failed first. */
  private String awaitStopOrFailure(Running running) {
    try {
      while (!stopRequested.await(FAILURE_CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
        String failure = running.failure();
        if (failure != null) {
          return failure;
        }
      }
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopReason = "interrupted";
      return null;
    }
  }

  private boolean close(Running running) {
    try {
      running.close();
      return true;
    } catch (RuntimeException e) {
      log.error("{} did not stop cleanly; exiting with status {}", service, FAILED, e);
      return false;
    }
  }

  /**
   * SIGTERM and SIGINT request the stop; a shutdown hook requests it for every other shutdown and
   * waits until {@code main} has closed the service.
   */
  private void handleStopSignals() {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  requestStop("the JVM is shutting down");
                  try {
                    if (!finished.await(SHUTDOWN_HOOK_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                      log.warn(
                          "{} still stopping after {}; exiting anyway",
                          service,
                          SHUTDOWN_HOOK_WAIT);
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                service + "-shutdown"));
    for (String signal : new String[] {"TERM", "INT"}) {
      Signals.handle(signal, () -> requestStop("received SIG" + signal));
    }
  }

  /**
   * {@code sun.misc.Signal} (module jdk.unsupported, exported for exactly this) through reflection,
   * as Kafka does, so that the build does not warn about a proprietary API. Where it is missing or
   * refuses (a JVM started with {@code -Xrs}), the JVM's default stays and the shutdown hook does
   * the stop.
   */
  static final class Signals {
    private Signals() {}

    static boolean handle(String name, Runnable action) {
      try {
        Class<?> signalClass = Class.forName("sun.misc.Signal");
        Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
        Object signal = signalClass.getConstructor(String.class).newInstance(name);
        InvocationHandler invocation =
            (Object proxy, Method method, Object[] args) -> {
              switch (method.getName()) {
                case "handle":
                  action.run();
                  return null;
                case "hashCode":
                  return System.identityHashCode(proxy);
                case "equals":
                  return proxy == args[0];
                case "toString":
                  return "stop on SIG" + name;
                default:
                  throw new UnsupportedOperationException(method.getName());
              }
            };
        Object handler =
            Proxy.newProxyInstance(
                ServiceExit.class.getClassLoader(), new Class<?>[] {handlerClass}, invocation);
        signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
        return true;
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        log.debug("SIG{} left to the JVM (shutdown hook): {}", name, e.toString());
        return false;
      }
    }
  }
}

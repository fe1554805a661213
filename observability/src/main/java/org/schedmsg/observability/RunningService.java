package org.schedmsg.observability;

import java.util.Objects;
import java.util.function.Supplier;
import org.schedmsg.contracts.config.ServiceExit;

/**
 * A started service behind its operations endpoint, as {@link ServiceExit} waits on it and stops
 * it: every service's {@code App} ends with {@link #open}.
 */
public final class RunningService implements ServiceExit.Running {
  private final HealthCheck failure;
  private final Runnable closeService;
  private final OpsServer server;

  private RunningService(HealthCheck failure, Runnable closeService, OpsServer server) {
    this.failure = failure;
    this.closeService = closeService;
    this.server = server;
  }

  /**
   * Opens the endpoint of a service that has started. When the endpoint cannot open (its port is
   * taken), the service is stopped and the failure rethrown: no service runs without its health
   * endpoint.
   *
   * @param failure the service's liveness problem: null while it works, a short reason once only a
   *     restart repairs it
   * @param closeService stops the service (the endpoint is closed after it)
   * @param endpoint opens the endpoint with the service's checks
   */
  public static RunningService open(
      HealthCheck failure, Runnable closeService, Supplier<OpsServer> endpoint) {
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(closeService, "closeService");
    OpsServer server;
    try {
      server = endpoint.get();
    } catch (RuntimeException e) {
      closeService.run();
      throw e;
    }
    return new RunningService(failure, closeService, server);
  }

  @Override
  public String failure() {
    return failure.problem();
  }

  /** Stops the service, then the endpoint (probes answer while the service drains). */
  @Override
  public void close() {
    try {
      closeService.run();
    } finally {
      server.close();
    }
  }
}

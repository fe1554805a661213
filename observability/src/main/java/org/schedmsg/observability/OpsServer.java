package org.schedmsg.observability;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint of a service: {@code /health/live} (every liveness check passes), {@code
 * /health/ready} (every readiness check passes) and {@code /metrics} (Prometheus text). A failing
 * health path answers 503 naming the failed checks and their reasons; bodies never hold data. See
 * the module README for the rules and their tests.
 *
 * <p>Meters, tagged {@code port}: {@value #ACTIVE_EXCHANGES} (exchanges holding one of the {@value
 * BoundedExchangeExecutor#THREADS} server threads) and {@value #EXCHANGE_TIMEOUTS} (exchanges cut
 * off after {@link OpsConfig#exchangeTimeout()}, i.e. slow or stalled clients).
 */
public final class OpsServer implements AutoCloseable {
  public static final String ACTIVE_EXCHANGES = "schedmsg.ops.exchanges.active";
  public static final String EXCHANGE_TIMEOUTS = "schedmsg.ops.exchange.timeouts";

  private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

  private final HttpServer server;
  private final BoundedExchangeExecutor exchanges;
  private final ExecutorService checkThreads;
  private final HealthCheckGroup liveness;
  private final HealthCheckGroup readiness;
  private final PrometheusMeterRegistry registry;
  private final Gauge activeGauge;
  private final Counter timeouts;
  private final OpsConfig config;
  private final List<DependencyCheck> dependencies = new CopyOnWriteArrayList<>();

  private OpsServer(HttpServer server, OpsConfig config, PrometheusMeterRegistry registry) {
    this.server = server;
    this.config = config;
    this.registry = registry;
    String port = String.valueOf(port());
    this.timeouts = Counter.builder(EXCHANGE_TIMEOUTS).tag("port", port).register(registry);
    this.exchanges =
        new BoundedExchangeExecutor(
            "ops-http-" + port, config.exchangeTimeout(), () -> exchangeTimedOut(config));
    this.activeGauge =
        Gauge.builder(ACTIVE_EXCHANGES, exchanges, BoundedExchangeExecutor::active)
            .tag("port", port)
            .register(registry);
    this.checkThreads = Executors.newCachedThreadPool(DaemonThreads.named("ops-check-" + port));
    this.liveness = new HealthCheckGroup(config.checkTimeout(), checkThreads);
    this.readiness = new HealthCheckGroup(config.checkTimeout(), checkThreads);
  }

  /** A registry to hand to the services; scraped by {@link #start}'s {@code /metrics}. */
  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** Listens on {@code port} (0 = any free port) with the defaults of {@link OpsConfig}. */
  public static OpsServer start(int port, PrometheusMeterRegistry registry) {
    return start(new OpsConfig(port), registry);
  }

  /** Listens on {@link OpsConfig#bindAddress()} and {@link OpsConfig#port()}. */
  public static OpsServer start(OpsConfig config, PrometheusMeterRegistry registry) {
    InetSocketAddress address = new InetSocketAddress(config.bindAddress(), config.port());
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open the operations port "
              + config.port()
              + " on "
              + config.bindAddress().getHostAddress()
              + "; the service does not start",
          e);
    }
    OpsServer ops;
    try {
      ops = new OpsServer(server, config, registry);
      server.createContext("/", new OpsHttpHandler(ops.liveness, ops.readiness, registry));
      server.setExecutor(ops.exchanges);
      server.start();
    } catch (RuntimeException e) {
      server.stop(0);
      throw e;
    }
    log.info(
        "operations endpoint listening on {} port {}",
        config.bindAddress().getHostAddress(),
        ops.port());
    return ops;
  }

  /**
   * Adds a readiness check: {@code /health/ready} answers 503 while it fails (a dependency is down,
   * the service cannot do its work now; no restart needed).
   */
  public OpsServer withCheck(String name, HealthCheck check) {
    readiness.add(name, check);
    return this;
  }

  /**
   * Adds a readiness check for a dependency whose probe does I/O ({@link KafkaClusterProbe}, {@link
   * DatabaseProbe}): the probe runs in the background every {@link OpsConfig#dependencyInterval()}
   * and {@code /health/ready} answers its latest outcome, so probes never wait on the dependency.
   * The probe is closed with the endpoint.
   */
  public OpsServer withDependencyCheck(String name, HealthCheck probe) {
    DependencyCheck check =
        DependencyCheck.start(name, probe, config.dependencyInterval(), config.checkTimeout());
    dependencies.add(check);
    return withCheck(name, check);
  }

  /** The settings the endpoint was started with. */
  public OpsConfig config() {
    return config;
  }

  /**
   * Adds a liveness check: {@code /health/live} answers 503 while it fails, and the orchestrator
   * restarts the process. Only for states a restart repairs, such as a dead worker thread; a
   * dependency that is down belongs in {@link #withCheck}. Without liveness checks {@code
   * /health/live} answers 200 while the process serves HTTP.
   */
  public OpsServer withLivenessCheck(String name, HealthCheck check) {
    liveness.add(name, check);
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The local address and port the endpoint listens on. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    exchanges.shutdown();
    checkThreads.shutdownNow();
    dependencies.forEach(DependencyCheck::close);
    registry.remove(activeGauge);
    registry.remove(timeouts);
  }

  private void exchangeTimedOut(OpsConfig config) {
    timeouts.increment();
    log.warn(
        "an ops exchange on port {} took longer than {} (slow or stalled client); its connection"
            + " was closed",
        port(),
        config.exchangeTimeout());
  }
}

package org.schedmsg.sender.core;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.schedmsg.observability.DatabaseProbe;
import org.schedmsg.observability.KafkaClusterProbe;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.sender.core.client.PlatformClient;
import org.schedmsg.sender.core.config.SenderConfig;
import org.schedmsg.sender.core.consume.DeliveryConsumer;
import org.schedmsg.sender.core.consume.DeliveryProcessor;
import org.schedmsg.sender.core.consume.OutagePause;
import org.schedmsg.sender.core.consume.RejectionConsumer;
import org.schedmsg.sender.core.metrics.SenderMetrics;
import org.schedmsg.sender.core.retry.RetryPolicy;
import org.schedmsg.sender.core.status.JdbcMessageStatusRepository;
import org.schedmsg.sender.core.status.MessageStatusRepository;
import org.schedmsg.sender.core.throttle.PlatformGate;
import org.schedmsg.sender.core.throttle.SendPacer;
import org.schedmsg.sender.core.throttle.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running sender: a small connection pool, the status repository, the processor and the
 * consumer thread. Each sender app builds its {@link PlatformClient} and calls {@link #start}.
 */
public final class SenderService implements AutoCloseable {
  private volatile boolean closing;

  /**
   * Connections beyond one per concurrent send (each claims and records on its own): one for the
   * batch read of row versions, one for the rejection consumer, one for the readiness probe.
   */
  static final int EXTRA_CONNECTIONS = 3;

  static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(SenderService.class);

  private final SenderConfig config;
  private final HikariDataSource dataSource;
  private final DeliveryProcessor processor;
  private final DeliveryConsumer consumer;
  private final RejectionConsumer rejections;

  private SenderService(
      SenderConfig config,
      HikariDataSource dataSource,
      DeliveryProcessor processor,
      DeliveryConsumer consumer,
      RejectionConsumer rejections) {
    this.config = config;
    this.dataSource = dataSource;
    this.processor = processor;
    this.consumer = consumer;
    this.rejections = rejections;
  }

  /** {@link #start(SenderConfig, PlatformClient, Clock, MeterRegistry)} with in-memory metrics. */
  public static SenderService start(SenderConfig config, PlatformClient client, Clock clock) {
    return start(config, client, clock, new SimpleMeterRegistry());
  }

  /**
   * Connects to PostgreSQL (failing fast when it cannot) and starts consuming {@code config}'s
   * delivery topic and the rejections of its platform, each on a thread of its own. Meters go to
   * {@code registry} (see {@link SenderMetrics}).
   */
  public static SenderService start(
      SenderConfig config, PlatformClient client, Clock clock, MeterRegistry registry) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(registry, "registry");
    HikariDataSource dataSource = dataSource(config);
    DeliveryConsumer consumer = null;
    try {
      SenderMetrics metrics = new SenderMetrics(registry, config.platform().id());
      JdbcMessageStatusRepository repository =
          new JdbcMessageStatusRepository(dataSource, config.platform());
      DeliveryProcessor processor = processor(config, client, clock, metrics, repository);
      metrics.healthGauge(() -> processor.gate().isHealthy());
      consumer = DeliveryConsumer.create(config, processor, OutagePause.withDefaults());
      consumer.start("sender-" + config.platform().id());
      RejectionConsumer rejections =
          RejectionConsumer.create(config, repository, clock, OutagePause.withDefaults(), metrics);
      rejections.start("sender-" + config.platform().id() + "-rejections");
      LOG.info("sender started: {}", config);
      return new SenderService(config, dataSource, processor, consumer, rejections);
    } catch (RuntimeException e) {
      if (consumer != null) {
        consumer.close();
      }
      dataSource.close();
      throw e;
    }
  }

  private static DeliveryProcessor processor(
      SenderConfig config,
      PlatformClient client,
      Clock clock,
      SenderMetrics metrics,
      MessageStatusRepository repository) {
    return new DeliveryProcessor(
        config.platform(),
        repository,
        client,
        new RetryPolicy(config.maxAttempts(), config.onAmbiguousOutcome()),
        clock,
        OutagePause.withDefaults(),
        new PlatformGate(config.platform().id(), config.throttle()),
        new SendPacer(config.throttle(), clock, Sleeper.SYSTEM),
        metrics,
        config.sendConcurrency(),
        config.claimLease(),
        Sleeper.SYSTEM);
  }

  static HikariDataSource dataSource(SenderConfig config) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("sender-" + config.platform().id());
    hikari.setJdbcUrl(config.databaseUrl());
    hikari.setUsername(config.databaseUser());
    hikari.setPassword(config.databasePassword());
    hikari.setMaximumPoolSize(config.sendConcurrency() + EXTRA_CONNECTIONS);
    hikari.setMinimumIdle(1);
    // during an outage, fail fast into the consumer's backoff instead of blocking 30 s
    hikari.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    // server error details can quote row values (patient data): keep them out of exceptions
    hikari.addDataSourceProperty("logServerErrorDetail", "false");
    hikari.addDataSourceProperty("ApplicationName", "schedmsg-sender-" + config.platform().id());
    return new HikariDataSource(hikari);
  }

  public SenderConfig config() {
    return config;
  }

  /** The processor, for its outcome counts. */
  public DeliveryProcessor processor() {
    return processor;
  }

  /** True while the consumer threads run. */
  public boolean isRunning() {
    return consumer.isRunning() && rejections.isRunning();
  }

  /**
   * True while running and the platform accepts the credentials; false from a fatal answer (bad
   * token) until a later call succeeds.
   */
  public boolean isHealthy() {
    return isRunning() && processor.gate().isHealthy();
  }

  /**
   * For {@code /health/live}: {@code consumer_thread_dead} when a consumer loop ended without being
   * closed (a restart repairs it); null otherwise. An outage of a dependency is readiness, not
   * this.
   */
  public String livenessProblem() {
    return closing || isRunning() ? null : "consumer_thread_dead";
  }

  /** For {@code /health/ready}: null when ready, else a short machine-readable reason. */
  public String readinessProblem() {
    if (!isRunning()) {
      return "consumer_stopped";
    }
    String stalled = consumer.stallProblem(config.stallTimeout());
    if (stalled != null) {
      return stalled;
    }
    return processor.gate().isHealthy() ? null : "platform_credentials_rejected";
  }

  /**
   * Registers this sender's health on {@code ops}: liveness and readiness under the platform's id,
   * and the dependencies {@code database} (a connection from this sender's pool) and {@code kafka}
   * (the cluster, with this sender's client settings), probed in the background.
   */
  public OpsServer withChecks(OpsServer ops) {
    String id = config.platform().id();
    Duration timeout = ops.config().checkTimeout();
    return ops.withLivenessCheck(id, this::livenessProblem)
        .withCheck(id, this::readinessProblem)
        .withDependencyCheck("database", new DatabaseProbe(dataSource::getConnection, timeout))
        .withDependencyCheck(
            "kafka",
            new KafkaClusterProbe(config.adminProperties("sender-" + id + "-readiness"), timeout));
  }

  /** Stops consuming (the in-flight message finishes), then closes the pool. */
  @Override
  public void close() {
    closing = true;
    LOG.info("sender stopping");
    try {
      consumer.close();
      processor.close();
      rejections.close();
    } finally {
      dataSource.close();
    }
    LOG.info("sender stopped");
  }
}

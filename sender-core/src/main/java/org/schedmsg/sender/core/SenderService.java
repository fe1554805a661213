package org.schedmsg.sender.core;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.schedmsg.sender.core.client.PlatformClient;
import org.schedmsg.sender.core.config.SenderConfig;
import org.schedmsg.sender.core.consume.DeliveryConsumer;
import org.schedmsg.sender.core.consume.DeliveryProcessor;
import org.schedmsg.sender.core.consume.OutagePause;
import org.schedmsg.sender.core.retry.RetryPolicy;
import org.schedmsg.sender.core.status.JdbcMessageStatusRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running sender: a small connection pool, the status repository, the processor and the
 * consumer thread. Each sender app builds its {@link PlatformClient} and calls {@link #start}.
 */
public final class SenderService implements AutoCloseable {
  /** Connections: one for the consumer thread, one spare. */
  static final int POOL_SIZE = 2;

  static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(SenderService.class);

  private final SenderConfig config;
  private final HikariDataSource dataSource;
  private final DeliveryProcessor processor;
  private final DeliveryConsumer consumer;

  private SenderService(
      SenderConfig config,
      HikariDataSource dataSource,
      DeliveryProcessor processor,
      DeliveryConsumer consumer) {
    this.config = config;
    this.dataSource = dataSource;
    this.processor = processor;
    this.consumer = consumer;
  }

  /**
   * Connects to PostgreSQL (failing fast when it cannot) and starts consuming {@code config}'s
   * delivery topic on a thread of its own.
   */
  public static SenderService start(SenderConfig config, PlatformClient client, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(clock, "clock");
    HikariDataSource dataSource = dataSource(config);
    try {
      OutagePause pause = OutagePause.withDefaults();
      DeliveryProcessor processor =
          new DeliveryProcessor(
              config.platform(),
              new JdbcMessageStatusRepository(dataSource),
              client,
              new RetryPolicy(config.maxAttempts()),
              clock,
              pause);
      DeliveryConsumer consumer = DeliveryConsumer.create(config, processor, pause);
      consumer.start("sender-" + config.platform().id());
      LOG.info("sender started: {}", config);
      return new SenderService(config, dataSource, processor, consumer);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  static HikariDataSource dataSource(SenderConfig config) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("sender-" + config.platform().id());
    hikari.setJdbcUrl(config.databaseUrl());
    hikari.setUsername(config.databaseUser());
    hikari.setPassword(config.databasePassword());
    hikari.setMaximumPoolSize(POOL_SIZE);
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

  /** True while the consumer thread runs. */
  public boolean isRunning() {
    return consumer.isRunning();
  }

  /** Stops consuming (the in-flight message finishes), then closes the pool. */
  @Override
  public void close() {
    LOG.info("sender stopping");
    try {
      consumer.close();
    } finally {
      dataSource.close();
    }
    LOG.info("sender stopped");
  }
}

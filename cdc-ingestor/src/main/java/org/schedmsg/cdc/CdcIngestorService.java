package org.schedmsg.cdc;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.connect.source.SourceRecord;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.cdc.mapping.ChangeEventMapper;
import org.schedmsg.cdc.metrics.CdcMetrics;
import org.schedmsg.cdc.metrics.EngineState;
import org.schedmsg.cdc.metrics.SlotMonitor;
import org.schedmsg.cdc.publish.ChangePublisher;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.Topic;
import org.schedmsg.observability.KafkaClusterProbe;
import org.schedmsg.observability.OpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running ingestor: a Debezium embedded engine on its own thread, streaming {@code
 * public.scheduled_messages} through a {@link ChangePublisher} into the CDC topic. When the engine
 * stops by itself (an error, or an unmappable row), {@link #failure()} holds the reason; the
 * service does not restart it.
 */
public final class CdcIngestorService implements AutoCloseable {
  /** How long {@link #close()} waits for each step: a starting task, the engine, the producer. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(CdcIngestorService.class);

  private final CdcIngestorConfig config;
  private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private final Producer<String, ScheduledMessageChange> producer;
  private final ChangePublisher publisher;
  private final ExecutorService executor;
  private final EngineLifecycle lifecycle;
  private final CdcMetrics metrics;
  private final SlotMonitor slotMonitor;
  private final AtomicBoolean closed = new AtomicBoolean();

  private CdcIngestorService(
      CdcIngestorConfig config,
      DebeziumEngine<RecordChangeEvent<SourceRecord>> engine,
      Producer<String, ScheduledMessageChange> producer,
      ChangePublisher publisher,
      ExecutorService executor,
      EngineLifecycle lifecycle,
      CdcMetrics metrics,
      SlotMonitor slotMonitor) {
    this.config = config;
    this.engine = engine;
    this.producer = producer;
    this.publisher = publisher;
    this.executor = executor;
    this.lifecycle = lifecycle;
    this.metrics = metrics;
    this.slotMonitor = slotMonitor;
  }

  /** Builds the engine and starts it on its own thread; returns at once. Meters stay private. */
  public static CdcIngestorService start(CdcIngestorConfig config) {
    return start(config, new SimpleMeterRegistry());
  }

  /**
   * Builds the engine and starts it on its own thread; returns at once. The meters ({@link
   * CdcMetrics}) are registered on {@code registry}.
   */
  public static CdcIngestorService start(CdcIngestorConfig config, MeterRegistry registry) {
    Topic<String, ScheduledMessageChange> cdc = config.topics().cdc();
    CdcMetrics metrics = new CdcMetrics(registry, Clock.systemUTC());
    Producer<String, ScheduledMessageChange> producer =
        new KafkaProducer<>(
            config.toProducerProperties(),
            cdc.keySerde().serializer(),
            cdc.valueSerde().serializer());
    EngineLifecycle lifecycle = new EngineLifecycle(metrics, config.slotName());
    ChangePublisher publisher =
        new ChangePublisher(producer, cdc.name(), new ChangeEventMapper(), metrics);
    DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    try {
      engine = buildEngine(config, lifecycle, publisher);
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    ExecutorService executor =
        Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "cdc-ingestor-engine"));
    log.info(
        "starting CDC ingestor engine={} slot={} publication={} topic={}",
        config.engineName(),
        config.slotName(),
        config.publicationName(),
        cdc.name());
    executor.execute(engine);
    SlotMonitor slotMonitor = slotMonitor(config).start(metrics, config.slotMetricsInterval());
    return new CdcIngestorService(
        config, engine, producer, publisher, executor, lifecycle, metrics, slotMonitor);
  }

  /**
   * The engine hands over the connector's records as they are ({@link Connect}: a {@link
   * SourceRecord} whose value is the envelope {@code Struct}), so no converter turns each change
   * into a JSON string that the mapper would only parse again.
   */
  private static DebeziumEngine<RecordChangeEvent<SourceRecord>> buildEngine(
      CdcIngestorConfig config, EngineLifecycle lifecycle, ChangePublisher publisher) {
    return DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
        .using(config.toDebeziumProperties())
        .using((DebeziumEngine.CompletionCallback) lifecycle)
        .using((DebeziumEngine.ConnectorCallback) lifecycle)
        .notifying(publisher)
        .build();
  }

  private static SlotMonitor slotMonitor(CdcIngestorConfig config) {
    return new SlotMonitor(
        config.databaseUrl(), config.databaseUser(), config.databasePassword(), config.slotName());
  }

  /** The engine's state, as the gauge {@value CdcMetrics#ENGINE_STATE} shows it. */
  public EngineState state() {
    return metrics.engineState();
  }

  /** True from the moment the engine polls (the slot exists) until it stops. */
  public boolean isRunning() {
    return lifecycle.polling().isDone() && !lifecycle.stopped().isDone();
  }

  /**
   * For {@code /health/ready}: null while the engine streams; {@code engine_starting} while it
   * connects or snapshots, or after its task stopped polling; {@code engine_stopped} or {@code
   * engine_failed} once it ended. A lost connection is restarted inside the running task, so this
   * stays null then: the {@code database} check of {@link #withChecks} tells.
   */
  public String readinessProblem() {
    EngineState state = state();
    return state == EngineState.STREAMING ? null : "engine_" + state.tag();
  }

  /**
   * Registers the ingestor's readiness on {@code ops}: {@code cdc} ({@link #readinessProblem()}),
   * and two dependencies probed in the background: {@code database} (PostgreSQL answers and the
   * replication slot is being read, see {@link ReplicationSlotProbe}) and {@code kafka} (the
   * cluster, with the ingestor's client settings: the engine keeps reading while the producer
   * cannot deliver).
   */
  public OpsServer withChecks(OpsServer ops) {
    Duration timeout = ops.config().checkTimeout();
    return ops.withCheck("cdc", this::readinessProblem)
        .withDependencyCheck(
            "database",
            new ReplicationSlotProbe(
                config.databaseUrl(),
                config.databaseUser(),
                config.databasePassword(),
                config.slotName(),
                timeout))
        .withDependencyCheck("kafka", new KafkaClusterProbe(config.toAdminProperties(), timeout));
  }

  /** Why the engine stopped by itself; empty while it runs or after a clean stop. */
  public Optional<Throwable> failure() {
    return lifecycle.stopped().getNow(Optional.empty());
  }

  /** True once the engine has stopped, by {@link #close()} or by itself; never blocks. */
  public boolean hasStopped() {
    return lifecycle.stopped().isDone();
  }

  /**
   * Waits until the engine polls: the replication slot exists, so every change committed from now
   * on reaches the topic (rows already there come first, as snapshot reads, on a first start).
   *
   * @throws IllegalStateException if the engine stopped first or did not get there in time
   */
  public void awaitStreaming(Duration timeout) {
    try {
      lifecycle.pollingOrStopped().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the CDC engine", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("CDC engine is not streaming after " + timeout, e);
    }
    Optional<Throwable> failure = failure();
    if (!lifecycle.polling().isDone() || failure.isPresent()) {
      throw new IllegalStateException("CDC engine stopped before streaming", failure.orElse(null));
    }
  }

  /**
   * Blocks until the engine has stopped, by {@link #close()} or by itself; returns the failure, if
   * any. Returns empty when interrupted (the interrupt flag is kept).
   */
  public Optional<Throwable> awaitStop() {
    try {
      return lifecycle.stopped().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.of(e.getCause());
    }
  }

  /**
   * Stops the engine (it commits the offsets of the changes already in Kafka), then closes the
   * producer. Safe to call more than once and after the engine stopped by itself.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    slotMonitor.close();
    stopEngine();
    executor.shutdown();
    try {
      if (!executor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("CDC engine thread did not end within {}; interrupting it", CLOSE_TIMEOUT);
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
    producer.close(CLOSE_TIMEOUT);
    log.info("CDC ingestor closed");
  }

  /** Debezium stops by interrupting the batch; let the one in flight reach its marks first. */
  private void finishInFlightBatch() {
    try {
      if (!publisher.stopAfterInFlightBatch(CLOSE_TIMEOUT)) {
        log.warn(
            "CDC batch still in flight after {}; it is sent again after a restart", CLOSE_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void stopEngine() {
    // Debezium refuses to stop while its task is starting (it could leak the connections it opens).
    try {
      lifecycle.pollingOrStopped().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("CDC engine still starting after {}; stopping it anyway", CLOSE_TIMEOUT);
    }
    if (lifecycle.stopped().isDone()) {
      return;
    }
    finishInFlightBatch();
    try {
      engine.close();
    } catch (IllegalStateException e) {
      log.warn("CDC engine could not be stopped cleanly: {}", e.getMessage());
    } catch (IOException e) {
      log.warn("CDC engine failed while stopping", e);
    }
  }
}

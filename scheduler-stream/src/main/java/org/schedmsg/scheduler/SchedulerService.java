package org.schedmsg.scheduler;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.schedmsg.contracts.Platform;
import org.schedmsg.observability.KafkaClusterProbe;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.scheduler.backlog.SenderLagMonitor;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.scheduler.metrics.RestoreProgress;
import org.schedmsg.scheduler.processor.SenderBacklog;
import org.schedmsg.scheduler.processor.TaskShare;
import org.schedmsg.scheduler.topology.SchedulerTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running scheduler: one {@link KafkaStreams} instance of {@link SchedulerTopology}. Topics are
 * created by the infrastructure, not here.
 */
public final class SchedulerService implements AutoCloseable {
  /** How long {@link #close()} waits for the stream threads to finish. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(SchedulerService.class);

  /** How long the start waits for the CDC topic's description. */
  static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(30);

  /** How often the senders' backlog is measured (see {@link SenderLagMonitor}). */
  public static final Duration SENDER_LAG_INTERVAL = Duration.ofMillis(200);

  private final SchedulerConfig config;
  private final KafkaStreams streams;
  private final SenderLagMonitor senderLag;

  private SchedulerService(
      SchedulerConfig config, KafkaStreams streams, SenderLagMonitor senderLag) {
    this.config = config;
    this.streams = streams;
    this.senderLag = senderLag;
  }

  /**
   * Builds the topology and starts it with meters in a registry of its own; returns at once (the
   * streams start in the background).
   */
  public static SchedulerService start(SchedulerConfig config) {
    return start(config, new SimpleMeterRegistry());
  }

  /**
   * Builds the topology and starts it, its meters (see the module README) in {@code registry};
   * returns at once (the streams start in the background).
   */
  public static SchedulerService start(SchedulerConfig config, MeterRegistry registry) {
    return start(config, registry, Clock.systemUTC());
  }

  /**
   * As above, with the streams' wall clock (punctuation timestamps, release instants) read from
   * {@code clock}.
   */
  public static SchedulerService start(
      SchedulerConfig config, MeterRegistry registry, Clock clock) {
    SenderLagMonitor senderLag = config.maxUnsent() > 0 ? senderLagMonitor(config, registry) : null;
    TaskShare share = taskShare(config);
    KafkaStreams streams =
        new KafkaStreams(
            SchedulerTopology.build(
                config, registry, senderLag == null ? SenderBacklog.UNMEASURED : senderLag, share),
            config.toStreamsProperties(),
            ClockTime.of(clock));
    streams.setGlobalStateRestoreListener(new RestoreProgress(registry));
    streams.setUncaughtExceptionHandler(
        exception -> {
          log.error(
              "stream thread failed; replacing it and retrying from the last commit", exception);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streams.setStateListener(
        (newState, oldState) -> log.info("scheduler state {} -> {}", oldState, newState));
    log.info(
        "starting scheduler application.id={} namespace={} standby.replicas={}",
        config.applicationId(),
        config.topicNamespace(),
        config.standbyReplicas());
    streams.start();
    return new SchedulerService(config, streams, senderLag);
  }

  /**
   * The tasks that share the rates: the CDC topic's partition count, read once at start (adding
   * partitions to the CDC topic needs a restart, and a reset: see the README).
   */
  private static TaskShare taskShare(SchedulerConfig config) {
    String topic = config.topics().cdc().name();
    try (Admin admin =
        Admin.create(config.adminProperties(config.applicationId() + "-cdc-partitions"))) {
      int partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(DESCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .get(topic)
              .partitions()
              .size();
      log.info("CDC topic {} has {} partitions: each task releases that share", topic, partitions);
      return new TaskShare(partitions);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing the CDC topic " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot describe the CDC topic " + topic + " (is it created?)", e);
    }
  }

  private static SenderLagMonitor senderLagMonitor(SchedulerConfig config, MeterRegistry registry) {
    Map<Platform, SenderLagMonitor.Target> targets = new EnumMap<>(Platform.class);
    for (Platform platform : Platform.values()) {
      targets.put(
          platform,
          new SenderLagMonitor.Target(
              config.topics().delivery(platform).name(), config.senderGroup(platform)));
    }
    return SenderLagMonitor.start(
        Admin.create(config.adminProperties(config.applicationId() + "-sender-lag")),
        targets,
        SENDER_LAG_INTERVAL,
        registry);
  }

  /** True while the streams are in state RUNNING (not while starting or rebalancing). */
  public boolean isRunning() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  /**
   * For {@code /health/live}: {@code streams_failed} once the streams are in state ERROR (every
   * stream thread died; a restart repairs it); null otherwise, also while rebalancing.
   */
  public String livenessProblem() {
    return streams.state() == KafkaStreams.State.ERROR ? "streams_failed" : null;
  }

  /** For {@code /health/ready}: {@code streams_not_running} unless RUNNING, else null. */
  public String readinessProblem() {
    return isRunning() ? null : "streams_not_running";
  }

  /**
   * Registers the scheduler's health on {@code ops}: liveness and readiness as {@code scheduler},
   * and the dependency {@code kafka} (the cluster, with the scheduler's client settings), probed in
   * the background; the streams stay RUNNING while the brokers are away, so only the probe tells.
   */
  public OpsServer withChecks(OpsServer ops) {
    return ops.withLivenessCheck("scheduler", this::livenessProblem)
        .withCheck("scheduler", this::readinessProblem)
        .withDependencyCheck(
            "kafka",
            new KafkaClusterProbe(
                config.adminProperties(config.applicationId() + "-readiness"),
                ops.config().checkTimeout()));
  }

  /** Stops the stream threads and leaves the consumer group, so a restart need not wait for it. */
  @Override
  public void close() {
    boolean closed =
        streams.close(
            CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
    if (!closed) {
      log.warn(
          "scheduler did not stop within {}; some threads may still be running", CLOSE_TIMEOUT);
    }
    if (senderLag != null) {
      senderLag.close();
    }
  }
}

package org.schedmsg.scheduler.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.streams.Topology;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.Topic;
import org.schedmsg.contracts.Topics;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.scheduler.metrics.SchedulerMetrics;
import org.schedmsg.scheduler.processor.ScheduleProcessor;
import org.schedmsg.scheduler.processor.ScheduleSettings;
import org.schedmsg.scheduler.processor.SenderBacklog;
import org.schedmsg.scheduler.processor.TaskShare;
import org.schedmsg.scheduler.store.SchedulerStores;

/**
 * The scheduler's topology: CDC topic -> {@link ScheduleProcessor} (with the {@code messages} and
 * {@code due-index} stores) -> one sink per platform's delivery topic and one for the rejections
 * topic. Every source, sink and store takes its serdes from the {@link Topics} catalog or {@link
 * SchedulerStores}.
 */
public final class SchedulerTopology {
  public static final String CDC_SOURCE = "cdc-source";
  public static final String SCHEDULE_PROCESSOR = "schedule-processor";
  public static final String REJECTIONS_SINK = "rejections-sink";
  public static final String MESSAGES_STORE = SchedulerStores.MESSAGES;
  public static final String DUE_INDEX_STORE = SchedulerStores.DUE_INDEX;

  private SchedulerTopology() {}

  /** The sink node that writes to {@code platform}'s delivery topic. */
  public static String sinkName(Platform platform) {
    return platform.id() + "-sink";
  }

  /** Builds the topology with meters nobody reads; performs no I/O. */
  public static Topology build(SchedulerConfig config) {
    return build(config, new SimpleMeterRegistry());
  }

  /**
   * Builds the topology, its meters registered in {@code registry}, releases never held back for
   * the senders; performs no I/O.
   */
  public static Topology build(SchedulerConfig config, MeterRegistry registry) {
    return build(config, registry, SenderBacklog.UNMEASURED);
  }

  /**
   * Builds the topology, its meters registered in {@code registry}, releases held back while {@code
   * senderBacklog} reports {@code SCHEDULER_MAX_UNSENT} or more outstanding; performs no I/O.
   */
  public static Topology build(
      SchedulerConfig config, MeterRegistry registry, SenderBacklog senderBacklog) {
    return build(config, registry, senderBacklog, TaskShare.WHOLE);
  }

  /**
   * Builds the topology as above, each task releasing its {@code share} of the rates and the bound
   * ({@link TaskShare}: the CDC topic's partition count); performs no I/O.
   */
  public static Topology build(
      SchedulerConfig config,
      MeterRegistry registry,
      SenderBacklog senderBacklog,
      TaskShare share) {
    Topics topics = config.topics();
    Topic<String, ScheduledMessageChange> cdc = topics.cdc();
    Topology topology = new Topology();
    topology.addSource(
        CDC_SOURCE, cdc.keySerde().deserializer(), cdc.valueSerde().deserializer(), cdc.name());
    ScheduleSettings settings =
        ScheduleSettings.from(config, deliverySinks(), REJECTIONS_SINK, senderBacklog, share);
    SchedulerMetrics metrics = new SchedulerMetrics(registry);
    topology.addProcessor(
        SCHEDULE_PROCESSOR, () -> new ScheduleProcessor(settings, metrics), CDC_SOURCE);
    topology.addStateStore(SchedulerStores.messages(), SCHEDULE_PROCESSOR);
    topology.addStateStore(SchedulerStores.dueIndex(), SCHEDULE_PROCESSOR);
    for (Platform platform : Platform.values()) {
      Topic<String, DeliveryRequest> delivery = topics.delivery(platform);
      topology.addSink(
          sinkName(platform),
          delivery.name(),
          delivery.keySerde().serializer(),
          delivery.valueSerde().serializer(),
          SCHEDULE_PROCESSOR);
    }
    Topic<String, RejectedMessage> rejections = topics.rejections();
    topology.addSink(
        REJECTIONS_SINK,
        rejections.name(),
        rejections.keySerde().serializer(),
        rejections.valueSerde().serializer(),
        SCHEDULE_PROCESSOR);
    return topology;
  }

  private static Map<Platform, String> deliverySinks() {
    Map<Platform, String> sinks = new EnumMap<>(Platform.class);
    for (Platform platform : Platform.values()) {
      sinks.put(platform, sinkName(platform));
    }
    return sinks;
  }
}

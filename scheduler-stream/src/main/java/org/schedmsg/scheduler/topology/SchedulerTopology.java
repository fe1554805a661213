package org.schedmsg.scheduler.topology;

import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.Topic;
import org.schedmsg.contracts.Topics;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.scheduler.processor.DueTimePolicy;
import org.schedmsg.scheduler.processor.ScheduleProcessor;
import org.schedmsg.scheduler.store.SchedulerStores;

/**
 * The scheduler's topology: CDC topic -> {@link ScheduleProcessor} (with the {@code messages} and
 * {@code due-index} stores) -> one sink per platform's delivery topic. Every source, sink and store
 * takes its serdes from the {@link Topics} catalog or {@link SchedulerStores}.
 */
public final class SchedulerTopology {
  public static final String CDC_SOURCE = "cdc-source";
  public static final String SCHEDULE_PROCESSOR = "schedule-processor";
  public static final String TELEGRAM_SINK = "telegram-sink";
  public static final String WHATSAPP_SINK = "whatsapp-sink";
  public static final String MESSAGES_STORE = SchedulerStores.MESSAGES;
  public static final String DUE_INDEX_STORE = SchedulerStores.DUE_INDEX;

  private SchedulerTopology() {}

  /** The sink node that writes to {@code platform}'s delivery topic. */
  public static String sinkName(Platform platform) {
    return switch (platform) {
      case TELEGRAM -> TELEGRAM_SINK;
      case WHATSAPP -> WHATSAPP_SINK;
    };
  }

  /** Builds the topology; performs no I/O. */
  public static Topology build(SchedulerConfig config) {
    Topics topics = config.topics();
    Topic<String, ScheduledMessageChange> cdc = topics.cdc();
    Topology topology = new Topology();
    topology.addSource(
        CDC_SOURCE, cdc.keySerde().deserializer(), cdc.valueSerde().deserializer(), cdc.name());
    topology.addProcessor(SCHEDULE_PROCESSOR, processor(config), CDC_SOURCE);
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
    return topology;
  }

  private static ProcessorSupplier<String, ScheduledMessageChange, String, DeliveryRequest>
      processor(SchedulerConfig config) {
    DueTimePolicy policy = DueTimePolicy.from(config);
    Map<Platform, String> sinks = new EnumMap<>(Platform.class);
    for (Platform platform : Platform.values()) {
      sinks.put(platform, sinkName(platform));
    }
    return () ->
        new ScheduleProcessor(
            policy, config.punctuateInterval(), config.maxReleasesPerPunctuation(), sinks);
  }
}

package org.schedmsg.scheduler.processor;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.schedmsg.contracts.Platform;
import org.schedmsg.scheduler.config.SchedulerConfig;

/**
 * What a {@link ScheduleProcessor} needs, built once per topology.
 *
 * @param maxWorkPerPunctuation cap of due-index entries visited per platform per punctuation
 * @param deliverySinks the child sink of each platform's delivery topic
 * @param rejectionSink the child sink of the rejections topic
 * @param maxUnsent most released messages a platform's senders may have outstanding (0: no limit)
 * @param maxUnsentTime most time's worth of sends, at the senders' measured rate, they may have
 *     outstanding (zero: {@code maxUnsent} alone)
 * @param senderBacklog where the senders' outstanding count is measured
 * @param share how many tasks (CDC partitions) share the rates and the bound ({@link TaskShare})
 * @param catchUpLag a change arriving later than this after its commit holds releases ({@link
 *     CatchUpGate}; zero: never)
 */
public record ScheduleSettings(
    DueTimePolicy policy,
    DeliverabilityRules rules,
    Duration punctuateInterval,
    int maxWorkPerPunctuation,
    Map<Platform, Integer> ratePerSecond,
    Map<Platform, String> deliverySinks,
    String rejectionSink,
    int maxUnsent,
    Duration maxUnsentTime,
    SenderBacklog senderBacklog,
    TaskShare share,
    Duration catchUpLag) {

  public ScheduleSettings {
    Objects.requireNonNull(catchUpLag, "catchUpLag");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(punctuateInterval, "punctuateInterval");
    Objects.requireNonNull(rejectionSink, "rejectionSink");
    Objects.requireNonNull(maxUnsentTime, "maxUnsentTime");
    Objects.requireNonNull(senderBacklog, "senderBacklog");
    Objects.requireNonNull(share, "share");
    ratePerSecond = Map.copyOf(ratePerSecond);
    deliverySinks = Map.copyOf(deliverySinks);
    for (Platform platform : Platform.values()) {
      Objects.requireNonNull(ratePerSecond.get(platform), "no release rate for " + platform);
      Objects.requireNonNull(deliverySinks.get(platform), "no sink for " + platform);
    }
  }

  /** The settings of {@code config}, with the given sink names. */
  public static ScheduleSettings from(
      SchedulerConfig config,
      Map<Platform, String> deliverySinks,
      String rejectionSink,
      SenderBacklog senderBacklog,
      TaskShare share) {
    Map<Platform, Integer> rates = new EnumMap<>(Platform.class);
    for (Platform platform : Platform.values()) {
      rates.put(platform, config.releaseRate(platform));
    }
    return new ScheduleSettings(
        DueTimePolicy.from(config),
        new DeliverabilityRules(config.maxAttempts()),
        config.punctuateInterval(),
        config.maxReleasesPerPunctuation(),
        rates,
        deliverySinks,
        rejectionSink,
        config.maxUnsent(),
        config.maxUnsentTime(),
        senderBacklog,
        share,
        config.catchUpLag());
  }
}

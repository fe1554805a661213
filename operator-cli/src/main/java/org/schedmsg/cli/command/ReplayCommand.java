package org.schedmsg.cli.command;

import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.common.TopicPartition;
import org.schedmsg.cli.config.ConnectionOptions;
import org.schedmsg.cli.db.MessageRepository;
import org.schedmsg.cli.kafka.ConsumerGroupOffsets;
import org.schedmsg.cli.kafka.DeliveryRecordReader;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.Topic;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Rewinds a sender's consumer group so it processes a platform topic again from a timestamp or an
 * offset. Refuses while the group has members (stop the sender first). Before moving the offsets it
 * reports how many of the replayed records a sender would actually send: a sender claims a release
 * only while its row is still {@code pending} with the released {@code row_version}, so every
 * message that is sent, failed, cancelled or changed since (re-attempted, rescheduled, edited) is
 * skipped, a record from before row versions ({@code row_version} absent, 0) is never claimed, and
 * several records of the same message and version are sent at most once.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description =
        "Rewind the sender of a platform to a timestamp or offset (the sender must be stopped)."
            + " Reports how many records would be re-sent; already-sent messages never are.")
public final class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Option(
      names = "--platform",
      required = true,
      completionCandidates = PlatformIds.class,
      description = "${COMPLETION-CANDIDATES}")
  String platform;

  @ArgGroup(multiplicity = "1")
  Start start;

  static final class Start {
    @Option(
        names = "--from-time",
        description = "-1h style or ISO-8601: records written since then")
    String fromTime;

    @Option(names = "--from-offset", description = "the same offset on every partition")
    Long fromOffset;
  }

  @Option(names = "--dry-run", description = "report only; do not move the offsets")
  boolean dryRun;

  private final Clock clock;
  private final Env env;

  public ReplayCommand(Clock clock, Env env) {
    this.clock = clock;
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    Platform target = platform();
    Topics topics = connection.topics();
    Topic<String, DeliveryRequest> topic = topics.delivery(target);
    String group = SenderGroups.of(topics.namespace(), target);
    PrintWriter out = spec.commandLine().getOut();
    try (ConsumerGroupOffsets groups = new ConsumerGroupOffsets(connection.kafkaProperties(env))) {
      int members = groups.activeMembers(group);
      if (members > 0) {
        spec.commandLine()
            .getErr()
            .println(
                "refused: consumer group "
                    + group
                    + " has "
                    + members
                    + " active member(s); stop the "
                    + target.id()
                    + " sender first");
        return ExitCodes.REFUSED;
      }
      Map<TopicPartition, Long> from = startOffsets(groups, topic.name());
      Map<TopicPartition, Long> to = groups.committed(group, topic.name());
      Estimate estimate = estimate(topic, from, to);
      long records =
          from.entrySet().stream()
              .mapToLong(e -> Math.max(0, to.getOrDefault(e.getKey(), 0L) - e.getValue()))
              .sum();
      out.printf(
          "replay of %s for group %s: %d record(s) to process again, %d would be re-sent,"
              + " %d skipped (sent, failed, cancelled or changed since the release, a duplicate,"
              + " or from before row versions)%n",
          topic.name(),
          group,
          records,
          estimate.resend(),
          records - estimate.resend() - estimate.expired());
      if (estimate.expired() > 0) {
        out.printf(
            "%d still pending with the released version but past the delivery window: the"
                + " sender writes them failed / delivery_window_expired instead of sending%n",
            estimate.expired());
      }
      if (!dryRun) {
        groups.reset(group, from);
        out.println("offsets moved; start the " + target.id() + " sender to replay");
      }
    }
    return ExitCodes.OK;
  }

  private Platform platform() {
    return PlatformIds.parse(platform, m -> new ParameterException(spec.commandLine(), m));
  }

  private Map<TopicPartition, Long> startOffsets(ConsumerGroupOffsets groups, String topic)
      throws Exception {
    if (start.fromTime != null) {
      Instant from = TimeArgument.parse(start.fromTime, clock, spec, "--from-time");
      return groups.offsetsAt(topic, from);
    }
    if (start.fromOffset < 0) {
      throw new ParameterException(spec.commandLine(), "--from-offset must not be negative");
    }
    Map<TopicPartition, Long> end = groups.endOffsets(topic);
    Map<TopicPartition, Long> from = new HashMap<>();
    end.forEach((tp, last) -> from.put(tp, Math.min(start.fromOffset, last)));
    return from;
  }

  /** Of the replayed records: how many a sender would send, and how many it would expire. */
  record Estimate(int resend, int expired) {}

  private Estimate estimate(
      Topic<String, DeliveryRequest> topic,
      Map<TopicPartition, Long> from,
      Map<TopicPartition, Long> to)
      throws Exception {
    List<DeliveryRequest> records =
        new DeliveryRecordReader(connection.kafkaProperties(env)).read(topic, from, to);
    Set<UUID> ids = new HashSet<>();
    records.forEach(r -> ids.add(r.messageId()));
    Map<UUID, Long> pending;
    try (Connection c = connection.openDatabase()) {
      pending = new MessageRepository(c).pendingVersions(ids);
    }
    Instant now = clock.instant();
    // the first record of a (message, version) the sender processes changes the row (sent,
    // failed or re-attempted: a new row_version), so the others of that pair change nothing
    Set<String> counted = new HashSet<>();
    int resend = 0;
    int expired = 0;
    for (DeliveryRequest r : records) {
      if (r.rowVersion() == ScheduledMessage.UNKNOWN_VERSION
          || !Long.valueOf(r.rowVersion()).equals(pending.get(r.messageId()))
          || !counted.add(r.messageId() + "@" + r.rowVersion())) {
        continue;
      }
      if (r.isExpiredAt(now)) {
        expired++;
      } else {
        resend++;
      }
    }
    return new Estimate(resend, expired);
  }
}

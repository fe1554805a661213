package org.schedmsg.cli.command;

import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.TopicPartition;
import org.schedmsg.cli.config.ConnectionOptions;
import org.schedmsg.cli.db.MessageRepository;
import org.schedmsg.cli.kafka.ConsumerGroupOffsets;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The pipeline's lag at each stage: CDC slot, due backlog, platform topics. */
@Command(
    name = "lag",
    mixinStandardHelpOptions = true,
    description =
        "Show the CDC replication slot lag, the due backlog per platform and priority, and the"
            + " senders' consumer lag on the platform topics.")
public final class LagCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  private final Clock clock;
  private final Env env;

  public LagCommand(Clock clock, Env env) {
    this.clock = clock;
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Connection c = connection.openDatabase()) {
      MessageRepository repository = new MessageRepository(c);
      out.println("CDC replication slots (WAL bytes not yet confirmed):");
      print(out, repository.slotLagBytes());
      out.println("Due backlog (pending, scheduled_time <= now):");
      print(out, repository.dueBacklog(clock.instant()));
    }
    Topics topics = connection.topics();
    try (ConsumerGroupOffsets groups = new ConsumerGroupOffsets(connection.kafkaProperties(env))) {
      out.println("Platform topic lag (records not yet processed by the sender):");
      for (Platform platform : Platform.values()) {
        String topic = topics.delivery(platform).name();
        String group = SenderGroups.of(topics.namespace(), platform);
        Map<TopicPartition, Long> end = groups.endOffsets(topic);
        Map<TopicPartition, Long> committed = groups.committed(group, topic);
        long lag =
            end.entrySet().stream()
                .mapToLong(e -> e.getValue() - committed.getOrDefault(e.getKey(), 0L))
                .sum();
        out.printf("  %-40s group %-32s lag %d%n", topic, group, lag);
      }
    }
    return ExitCodes.OK;
  }

  private static void print(PrintWriter out, Map<String, Long> values) {
    if (values.isEmpty()) {
      out.println("  (none)");
    }
    values.forEach((k, v) -> out.printf("  %-40s %d%n", k, v));
  }
}

package org.schedmsg.cli.command;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.schedmsg.cli.config.ConnectionOptions;
import org.schedmsg.contracts.TopicDescriptor;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.provisioning.TopicProvisioner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Creates the topics of the catalog that do not exist and checks the ones that do; an existing
 * topic is never changed, a difference is reported and the exit code says so.
 */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = {
      "Create every topic of the catalog (contracts' Topics: partitions, cleanup policy,"
          + " retention) that does not exist, and compare the existing ones with it. An existing"
          + " topic is never changed: a difference is printed and left to a person.",
      "Exit codes: 0 every topic exists as the catalog says; 3 a topic differs (or, with"
          + " --verify, is missing); 4 Kafka cannot be reached or refused the request."
    })
public final class TopicsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Option(
      names = "--replication-factor",
      defaultValue = "${env:TOPIC_REPLICATION_FACTOR:-3}",
      description = "replicas of each new topic (env TOPIC_REPLICATION_FACTOR; default 3)")
  short replicationFactor;

  @Option(
      names = "--retention",
      paramLabel = "TOPIC=DURATION",
      description =
          "time retention of a non-compacted topic instead of the catalog's (e.g."
              + " schedmsg.delivery.telegram.v1=3d); repeatable. The delivery topics hold"
              + " patient data: keep it as short as their consumers allow")
  Map<String, String> retention = new LinkedHashMap<>();

  @Option(names = "--verify", description = "create nothing; only compare")
  boolean verify;

  private final Env env;

  public TopicsCommand(Env env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<TopicDescriptor> descriptors = descriptors();
    TopicProvisioner provisioner =
        new TopicProvisioner(
            connection.bootstrapServers(), connection.kafkaClientSettings(env), replicationFactor);
    TopicProvisioner.Report report;
    try {
      report = provisioner.apply(descriptors, !verify);
    } catch (IllegalStateException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      Throwable root = cause.getCause() == null ? cause : cause.getCause();
      spec.commandLine()
          .getErr()
          .println(
              "error: Kafka refused or did not answer ("
                  + root.getClass().getSimpleName()
                  + "); check --bootstrap-servers and the client settings (--command-config,"
                  + " KAFKA_CLIENT_*)");
      return ExitCodes.UNAVAILABLE;
    }
    report.created().forEach(name -> out.println("created  " + name));
    report.matching().forEach(name -> out.println("ok       " + name));
    report.missing().forEach(name -> out.println("missing  " + name));
    for (TopicProvisioner.Drift drift : report.drifts()) {
      out.println(
          "differs  "
              + drift.topic()
              + ": "
              + drift.setting()
              + " is "
              + drift.actual()
              + ", the catalog says "
              + drift.expected()
              + " (left as it is)");
    }
    return report.ok() ? ExitCodes.OK : ExitCodes.REFUSED;
  }

  private List<TopicDescriptor> descriptors() {
    if (replicationFactor < 1) {
      throw new ParameterException(spec.commandLine(), "--replication-factor must be at least 1");
    }
    Map<String, String> unknown = new LinkedHashMap<>(retention);
    List<TopicDescriptor> descriptors = new ArrayList<>();
    for (TopicDescriptor descriptor : connection.topics().descriptors()) {
      String value = unknown.remove(descriptor.name());
      descriptors.add(value == null ? descriptor : withRetention(descriptor, value));
    }
    if (!unknown.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "--retention names a topic that is not in the catalog: " + unknown.keySet());
    }
    return descriptors;
  }

  private TopicDescriptor withRetention(TopicDescriptor descriptor, String value) {
    Duration duration;
    try {
      duration = TimeArgument.duration(value);
      return descriptor.withRetention(duration);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--retention "
              + descriptor.name()
              + ": "
              + (e.getMessage() != null && e.getMessage().contains(descriptor.name())
                  ? e.getMessage()
                  : "must be a duration such as 12h, 3d or PT72H"));
    }
  }
}

package org.schedmsg.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.schedmsg.cli.config.ConnectionOptions;
import org.schedmsg.cli.db.MessageRepository;
import org.schedmsg.cli.db.NewMessage;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.serde.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Inserts a row, exactly as an upstream service would. Prints the new message id. */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = "Schedule a message (insert a pending row). Prints its id.")
public final class ScheduleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Option(
      names = "--platform",
      required = true,
      completionCandidates = PlatformIds.class,
      description = "${COMPLETION-CANDIDATES}")
  String platform;

  @Option(names = "--recipient", required = true, description = "chat id or E.164 number")
  String recipient;

  @Option(names = "--text", required = true, description = "message content")
  String text;

  @Option(names = "--at", defaultValue = "now", description = "now, +30s, +5m or ISO-8601")
  String at;

  @Option(names = "--priority", defaultValue = "5", description = "1 (most urgent) .. 9")
  int priority;

  @Option(
      names = "--window",
      defaultValue = "60s",
      description = "delivery window (e.g. 60s, 2h) or 'none' for no limit")
  String window;

  @Option(names = "--template", description = "template key (WhatsApp template name)")
  String template;

  @Option(names = "--parameters", description = "template parameters as JSON")
  String parameters;

  @Option(names = "--metadata", description = "platform options as a JSON object")
  String metadata;

  @Option(names = "--recurrence", description = "recurrence pattern as JSON")
  String recurrence;

  private final Clock clock;

  public ScheduleCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    NewMessage message = validated();
    // an upstream service's act: the operator's role may not insert
    try (Connection c = connection.openDatabaseAs(ConnectionOptions.UPSTREAM_ROLE)) {
      new MessageRepository(c).insert(message);
    }
    spec.commandLine().getOut().println(message.id());
    return ExitCodes.OK;
  }

  private NewMessage validated() {
    Platform target = PlatformIds.parse(platform, this::usage);
    if (priority < 1 || priority > 9) {
      throw usage("--priority must be between 1 and 9");
    }
    return new NewMessage(
        UUID.randomUUID(),
        target,
        recipient,
        text,
        TimeArgument.parse(at, clock, spec, "--at"),
        priority,
        windowSeconds(),
        template,
        json("--parameters", parameters),
        json("--metadata", metadata),
        json("--recurrence", recurrence));
  }

  private Integer windowSeconds() {
    if (window.equals("none")) {
      return null;
    }
    Duration d;
    try {
      d = TimeArgument.duration(window);
    } catch (IllegalArgumentException e) {
      throw usage("--window must be a duration such as 60s or 2h, or 'none'");
    }
    if (d.toSeconds() < 1) {
      throw usage("--window must be at least 1s");
    }
    return Math.toIntExact(d.toSeconds());
  }

  private String json(String option, String value) {
    if (value == null) {
      return null;
    }
    try {
      return Json.mapper().readTree(value).toString();
    } catch (JsonProcessingException e) {
      throw usage(option + " must be valid JSON");
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}

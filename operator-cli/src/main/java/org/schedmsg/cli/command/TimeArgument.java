package org.schedmsg.cli.command;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.schedmsg.contracts.config.Env;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Parses {@code now}, a relative time ({@code +30s}, {@code +5m}, {@code -1h}), or an ISO-8601
 * date-time with offset.
 */
final class TimeArgument {
  private TimeArgument() {}

  static Instant parse(String text, Clock clock, CommandSpec spec, String option) {
    String value = text.trim();
    try {
      if (value.equals("now")) {
        return clock.instant();
      }
      if (value.startsWith("+")) {
        return clock.instant().plus(duration(value.substring(1)));
      }
      if (value.startsWith("-")) {
        return clock.instant().minus(duration(value.substring(1)));
      }
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          option
              + " must be 'now', '+<duration>' or '-<duration>' (e.g. +30s, -1h) or an ISO-8601"
              + " date-time with offset (e.g. 2026-12-01T08:00:00+01:00)");
    }
  }

  static Duration duration(String text) {
    Env env = new Env(java.util.Map.of("d", text));
    return env.duration("d", Duration.ZERO);
  }
}

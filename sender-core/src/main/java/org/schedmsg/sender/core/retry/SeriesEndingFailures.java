package org.schedmsg.sender.core.retry;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.schedmsg.contracts.Platform;

/**
 * The one list of failure reasons that end a recurring series: the recipient cannot be reached (or
 * the row can never be delivered as it is), so later occurrences would fail the same way. A reason
 * ends the series when it starts with one of {@link #PREFIXES}; every other terminal outcome (sent,
 * other failures, {@code max_attempts_exceeded:*}, {@code outcome_unknown:*}, {@code
 * delivery_window_expired}) inserts the next occurrence. The sender-core README lists them.
 */
public final class SeriesEndingFailures {
  /** Reasons of any platform that end a series, with what they mean. */
  private static final List<String> ANY_PLATFORM =
      List.of(
          "invalid_recipient", // scheduler rejection: no usable recipient id
          "invalid_recurrence", // the pattern or the series metadata cannot be read
          "invalid_parameters", // every copy would carry the same unusable parameters
          "invalid_metadata"); // every copy would carry the same unusable metadata

  /** Reason prefixes that end a series: each platform's ({@link Platform}), then the above. */
  public static final List<String> PREFIXES =
      Stream.concat(
              Arrays.stream(Platform.values()).flatMap(p -> p.seriesEndingReasons().stream()),
              ANY_PLATFORM.stream())
          .toList();

  private SeriesEndingFailures() {}

  /** True when a row that failed with {@code reason} must not be followed by another occurrence. */
  public static boolean endsSeries(String reason) {
    if (reason == null) {
      return false;
    }
    for (String prefix : PREFIXES) {
      if (reason.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}

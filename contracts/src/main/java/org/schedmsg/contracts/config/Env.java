package org.schedmsg.contracts.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads typed settings from an environment map. Errors name the key, never the value (which may be
 * a secret). Configs are built from {@code System.getenv()} in each app's {@code App} and from
 * plain maps in tests.
 */
public final class Env {
  private final Map<String, String> values;

  public Env(Map<String, String> values) {
    this.values = Map.copyOf(Objects.requireNonNull(values, "values"));
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  public Optional<String> optional(String key) {
    String value = values.get(key);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String string(String key, String defaultValue) {
    return optional(key).orElse(defaultValue);
  }

  public String required(String key) {
    return optional(key)
        .orElseThrow(() -> new IllegalArgumentException("missing required setting " + key));
  }

  public int integer(String key, int defaultValue) {
    Optional<String> value = optional(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value.get());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer");
    }
  }

  /**
   * A duration as ISO-8601 ({@code PT0.1S}) or a number with a unit: {@code 100ms}, {@code 30s},
   * {@code 5m}, {@code 2h}, {@code 7d}.
   */
  public Duration duration(String key, Duration defaultValue) {
    Optional<String> value = optional(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      return parseDuration(value.get());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          key + " must be a duration such as 100ms, 30s, 5m, 2h, 7d or PT30S");
    }
  }

  static Duration parseDuration(String text) {
    String s = text.trim();
    if (s.startsWith("P") || s.startsWith("p")) {
      return Duration.parse(s);
    }
    if (s.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
    }
    long amount = Long.parseLong(s.substring(0, s.length() - 1));
    return switch (s.charAt(s.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      case 'd' -> Duration.ofDays(amount);
      default -> throw new IllegalArgumentException("unit");
    };
  }

  /** Names of the keys present (for diagnostics; values are never exposed). */
  public boolean has(String key) {
    return optional(key).isPresent();
  }
}

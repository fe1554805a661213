package org.schedmsg.contracts.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Reads typed settings from an environment map. Errors name the key, never the value (which may be
 * a secret). Configs are built from {@code System.getenv()} in each app's {@code App} and from
 * plain maps in tests.
 *
 * <p>Secrets ({@link #secret}) may instead come from a file: {@code <KEY>_FILE} names a file (e.g.
 * a mounted Kubernetes or Docker secret) whose content, without its trailing line breaks, is the
 * value of {@code <KEY>}. Setting both {@code <KEY>} and {@code <KEY>_FILE} is an error.
 */
public final class Env {
  /** The suffix of a secret's file form: {@code DATABASE_PASSWORD_FILE=/run/secrets/db}. */
  public static final String FILE_SUFFIX = "_FILE";

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

  /**
   * A secret: the value of {@code key}, or the content of the file that {@code key}{@value
   * #FILE_SUFFIX} names, without its trailing line breaks (like the shell's {@code $(< file)}).
   * Errors name the keys and the file, never the content.
   *
   * @throws IllegalArgumentException when both are set, or the file cannot be read or is empty
   */
  public Optional<String> secret(String key) {
    String fileKey = key + FILE_SUFFIX;
    Optional<String> file = optional(fileKey);
    if (file.isEmpty()) {
      return optional(key);
    }
    if (has(key)) {
      throw new IllegalArgumentException("set either " + key + " or " + fileKey + ", not both");
    }
    String content = readSecretFile(fileKey, Path.of(file.get()));
    if (content.isEmpty()) {
      throw new IllegalArgumentException(fileKey + " names an empty file: " + file.get());
    }
    return Optional.of(content);
  }

  /** A secret that must be set, as {@code key} or {@code key}{@value #FILE_SUFFIX}. */
  public String requiredSecret(String key) {
    return secret(key)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "missing required setting " + key + " (or " + key + FILE_SUFFIX + ")"));
  }

  private static String readSecretFile(String fileKey, Path path) {
    String content;
    try {
      content = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          fileKey
              + " names a file that cannot be read: "
              + path
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    }
    int end = content.length();
    while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
      end--;
    }
    return content.substring(0, end);
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

  /** This environment with {@code key} set to {@code value} (e.g. from a command-line option). */
  public Env with(String key, String value) {
    Map<String, String> changed = new HashMap<>(values);
    changed.put(key, value);
    return new Env(changed);
  }

  /** Whether {@code key} is set to a non-blank value (values are never exposed). */
  public boolean has(String key) {
    return optional(key).isPresent();
  }

  /** The keys set to a non-blank value that start with {@code prefix}, sorted. */
  public SortedSet<String> keysStartingWith(String prefix) {
    SortedSet<String> keys = new TreeSet<>();
    values.forEach(
        (key, value) -> {
          if (key.startsWith(prefix) && value != null && !value.isBlank()) {
            keys.add(key);
          }
        });
    return keys;
  }
}

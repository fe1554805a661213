package org.schedmsg.contracts.config;

import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.config.ConfigDef;

/**
 * One setting, defined once: its environment key, type, default, rule, meaning, and whether it is a
 * secret. A service lists its settings in a {@link SettingsDefinition}, which reads and validates
 * them, prints them masked, and generates the README's table from them.
 *
 * <p>Built with {@link #text}, {@link #integer}, {@link #duration} or {@link #secret}, then
 * narrowed with {@code with…}: {@code Setting.integer(KEY, "what it
 * means").withDefault(5).withRule(SettingRule.atLeast(1))}.
 *
 * @param kind how the value is parsed
 * @param defaultValue the typed default ({@code Integer}, {@code String}, {@link Duration}); null
 *     when the setting is required, optional without a default, or computed from other settings
 * @param required whether start-up fails without it
 * @param shownDefault the README's text (Markdown) for a default computed from other settings, or
 *     null
 * @param rule what a set value must satisfy (the default is checked against it as well)
 * @param meaning one line for the README
 * @param shownAs how a set value is printed in the configuration line (secrets never are)
 */
public record Setting(
    String key,
    Kind kind,
    Object defaultValue,
    boolean required,
    String shownDefault,
    SettingRule rule,
    String meaning,
    UnaryOperator<String> shownAs) {

  /** How a value is parsed; each maps to the Kafka {@link ConfigDef.Type} it is stored as. */
  public enum Kind {
    TEXT(ConfigDef.Type.STRING, "text"),
    INTEGER(ConfigDef.Type.INT, "an integer"),
    /** {@code 100ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d} or ISO-8601 {@code PT30S}. */
    DURATION(ConfigDef.Type.STRING, "a duration such as 100ms, 30s, 5m, 2h, 7d or PT30S"),
    /** Text that is never printed; also read from the file {@code <KEY>_FILE} names. */
    SECRET(ConfigDef.Type.PASSWORD, "text");

    final ConfigDef.Type configType;
    final String words;

    Kind(ConfigDef.Type configType, String words) {
      this.configType = configType;
      this.words = words;
    }

    /** The Java type of a parsed value. */
    Class<?> javaType() {
      return switch (this) {
        case INTEGER -> Integer.class;
        case DURATION -> Duration.class;
        case TEXT, SECRET -> String.class;
      };
    }
  }

  public Setting {
    Objects.requireNonNull(key, "key");
    if (!key.matches("[A-Z][A-Z0-9_]*")) {
      throw new IllegalArgumentException("a setting's key is an upper-case variable name: " + key);
    }
    Objects.requireNonNull(kind, key);
    Objects.requireNonNull(rule, key);
    Objects.requireNonNull(shownAs, key);
    if (meaning == null || meaning.isBlank()) {
      throw new IllegalArgumentException(key + " needs a meaning for the README");
    }
    if (required && (defaultValue != null || shownDefault != null)) {
      throw new IllegalArgumentException(key + " is required and has a default");
    }
    if (defaultValue != null && shownDefault != null) {
      throw new IllegalArgumentException(key + " has a default and a computed default");
    }
    if (defaultValue != null && !kind.javaType().isInstance(defaultValue)) {
      throw new IllegalArgumentException(key + "'s default is not " + kind.words);
    }
    if (kind == Kind.SECRET && defaultValue != null) {
      throw new IllegalArgumentException(key + " is a secret and cannot have a default");
    }
  }

  /** Free text, optional without a default until narrowed. */
  public static Setting text(String key, String meaning) {
    return new Setting(key, Kind.TEXT, null, false, null, SettingRule.any(), meaning, v -> v);
  }

  public static Setting integer(String key, String meaning) {
    return new Setting(key, Kind.INTEGER, null, false, null, SettingRule.any(), meaning, v -> v);
  }

  public static Setting duration(String key, String meaning) {
    return new Setting(key, Kind.DURATION, null, false, null, SettingRule.any(), meaning, v -> v);
  }

  /** A secret: never printed, never in an error; {@code <KEY>_FILE} may name a file holding it. */
  public static Setting secret(String key, String meaning) {
    return new Setting(key, Kind.SECRET, null, false, null, SettingRule.any(), meaning, v -> v);
  }

  public Setting withDefault(Object value) {
    return new Setting(key, kind, value, false, null, rule, meaning, shownAs);
  }

  public Setting asRequired() {
    return new Setting(key, kind, null, true, null, rule, meaning, shownAs);
  }

  /**
   * A default computed from other settings when the service reads them, shown in the README as
   * {@code markdown} (e.g. {@code `<namespace>-scheduler`}).
   */
  public Setting withComputedDefault(String markdown) {
    return new Setting(key, kind, null, false, markdown, rule, meaning, shownAs);
  }

  public Setting withRule(SettingRule value) {
    return new Setting(key, kind, defaultValue, required, shownDefault, value, meaning, shownAs);
  }

  /** Prints a set value through {@code mask} (e.g. a URL without its query). */
  public Setting shownAs(UnaryOperator<String> mask) {
    return new Setting(key, kind, defaultValue, required, shownDefault, rule, meaning, mask);
  }

  /** The README's default column: {@code (required)}, {@code (none)} or the default. */
  public String defaultText() {
    if (required) {
      return "(required)";
    }
    if (shownDefault != null) {
      return shownDefault;
    }
    if (defaultValue == null) {
      return "(none)";
    }
    return "`" + format(defaultValue) + "`";
  }

  /** A typed value as the environment would spell it. */
  static String format(Object value) {
    return value instanceof Duration d ? Durations.format(d) : String.valueOf(value);
  }

  @Override
  public String toString() {
    return "Setting[" + key + "]";
  }
}

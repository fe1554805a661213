package org.schedmsg.contracts.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * A service's settings, each defined once ({@link Setting}) and held in a Kafka {@link ConfigDef},
 * the definition library Kafka's own clients and Kafka Streams use: it parses each value to its
 * type and checks it against its rule (defaults included, when the definition is built). This class
 * adds what a service configured by environment variables needs: secrets from {@code <KEY>_FILE},
 * errors that name the key and never the value, durations with units, the masked line a service
 * logs at start ({@link SettingValues#toString()}) and the README's table ({@link
 * #markdownTable()}).
 */
public final class SettingsDefinition {
  private final ConfigDef configDef = new ConfigDef();
  private final Map<String, Setting> settings = new LinkedHashMap<>();

  /** {@code settings} in README order; a key may appear once. */
  public SettingsDefinition(List<Setting> settings) {
    for (Setting setting : settings) {
      if (this.settings.putIfAbsent(setting.key(), setting) != null) {
        throw new IllegalArgumentException(setting.key() + " is defined twice");
      }
      configDef.define(
          setting.key(),
          setting.kind().configType,
          configDefault(setting),
          validator(setting),
          setting.required() ? ConfigDef.Importance.HIGH : ConfigDef.Importance.MEDIUM,
          setting.meaning());
    }
  }

  /** The settings of several groups, in order (e.g. the shared database keys, then the own). */
  @SafeVarargs
  public static SettingsDefinition of(List<Setting>... groups) {
    List<Setting> all = new ArrayList<>();
    for (List<Setting> group : groups) {
      all.addAll(group);
    }
    return new SettingsDefinition(all);
  }

  /** Every key, in definition order. */
  public List<String> keys() {
    return List.copyOf(settings.keySet());
  }

  /** Every setting, in definition order. */
  public List<Setting> settings() {
    return List.copyOf(settings.values());
  }

  /** The Kafka definition behind this one (types, defaults, validators, meanings). */
  public ConfigDef configDef() {
    return configDef;
  }

  /**
   * Reads every setting from {@code env}: parsed, checked, defaulted.
   *
   * @throws IllegalArgumentException naming the first bad or missing key, never its value
   */
  public SettingValues read(Env env) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Setting setting : settings.values()) {
      values.put(setting.key(), readOne(env, setting));
    }
    return new SettingValues(this, Collections.unmodifiableMap(values));
  }

  private Object readOne(Env env, Setting setting) {
    String key = setting.key();
    boolean secret = setting.kind() == Setting.Kind.SECRET;
    Optional<String> raw = secret ? env.secret(key) : env.optional(key);
    if (raw.isEmpty()) {
      if (setting.required()) {
        throw new IllegalArgumentException(
            "missing required setting "
                + key
                + (secret ? " (or " + key + Env.FILE_SUFFIX + ")" : ""));
      }
      return setting.defaultValue();
    }
    ConfigDef.ConfigKey definition = configDef.configKeys().get(key);
    Object parsed;
    try {
      parsed = ConfigDef.parseType(key, raw.get(), definition.type);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(key + " must be " + setting.kind().words);
    }
    try {
      definition.validator.ensureValid(key, parsed);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    return typed(setting, parsed);
  }

  /** A {@link ConfigDef} value as the Java type its {@link Setting.Kind} promises. */
  private static Object typed(Setting setting, Object configValue) {
    if (configValue == null) {
      return null;
    }
    return switch (setting.kind()) {
      case DURATION -> Durations.parse((String) configValue);
      case SECRET -> ((Password) configValue).value();
      case TEXT, INTEGER -> configValue;
    };
  }

  private static Object configDefault(Setting setting) {
    if (setting.required()) {
      return ConfigDef.NO_DEFAULT_VALUE;
    }
    Object value = setting.defaultValue();
    return value instanceof Duration ? Setting.format(value) : value;
  }

  /**
   * The setting's rule as a {@link ConfigDef.Validator}: parses a duration first; its errors say
   * "{@code <KEY> must be <rule>}" and never carry the value.
   */
  private static ConfigDef.Validator validator(Setting setting) {
    return new ConfigDef.Validator() {
      @Override
      public void ensureValid(String name, Object value) {
        if (value == null) {
          return;
        }
        Object typed;
        try {
          typed = typed(setting, value);
        } catch (RuntimeException e) {
          throw new ConfigException(name + " must be " + setting.kind().words);
        }
        if (!setting.rule().accepts(typed)) {
          throw new ConfigException(name + " must be " + setting.rule().words());
        }
      }

      @Override
      public String toString() {
        return setting.rule().words();
      }
    };
  }

  /**
   * The README's table of these settings: key (a secret's file form too), default, valid values,
   * meaning. {@link SettingsReadme} keeps a README's copy equal to it.
   */
  public String markdownTable() {
    StringBuilder table = new StringBuilder();
    table.append("| key | default | valid values | meaning |\n");
    table.append("|---|---|---|---|\n");
    for (Setting setting : settings.values()) {
      String key = "`" + setting.key() + "`";
      if (setting.kind() == Setting.Kind.SECRET) {
        key += " (or `" + setting.key() + Env.FILE_SUFFIX + "`)";
      }
      String valid =
          setting.rule().words().isEmpty() ? setting.kind().words : setting.rule().words();
      table
          .append("| ")
          .append(key)
          .append(" | ")
          .append(setting.defaultText())
          .append(" | ")
          .append(valid)
          .append(" | ")
          .append(setting.meaning())
          .append(" |\n");
    }
    return table.toString();
  }

  Setting setting(String key) {
    Setting setting = settings.get(key);
    if (setting == null) {
      throw new IllegalArgumentException("no setting " + key);
    }
    return setting;
  }
}

package org.schedmsg.contracts.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * The values of a {@link SettingsDefinition} read from the environment: parsed, checked, defaulted.
 * {@link #toString()} is the complete configuration line a service logs at start: every setting in
 * definition order, secrets as {@code <hidden>}, masked values (a URL's query) masked, unset ones
 * as {@code <none>}.
 */
public final class SettingValues {
  private final SettingsDefinition definition;
  private final Map<String, Object> values;

  SettingValues(SettingsDefinition definition, Map<String, Object> values) {
    this.definition = definition;
    this.values = values;
  }

  /** Text or a secret; null when unset without a default. */
  public String text(String key) {
    return (String) value(key, Setting.Kind.TEXT, Setting.Kind.SECRET);
  }

  /** An integer setting; every integer setting has a default or is required. */
  public int integer(String key) {
    return (Integer) Objects.requireNonNull(value(key, Setting.Kind.INTEGER), key);
  }

  /** A duration; null when unset without a default. */
  public Duration duration(String key) {
    return (Duration) value(key, Setting.Kind.DURATION);
  }

  /** Whether {@code key} has a value (set, or defaulted). */
  public boolean has(String key) {
    definition.setting(key);
    return values.get(key) != null;
  }

  /**
   * These values with {@code value} for {@code key} if it is unset: a default computed from other
   * settings ({@link Setting#withComputedDefault}), so that the configuration line shows it.
   */
  public SettingValues withDefault(String key, Object value) {
    Setting setting = definition.setting(key);
    if (values.get(key) != null) {
      return this;
    }
    if (!setting.kind().javaType().isInstance(value)) {
      throw new IllegalArgumentException(
          key + "'s computed default is not " + setting.kind().words);
    }
    Map<String, Object> changed = new LinkedHashMap<>(values);
    changed.put(key, value);
    return new SettingValues(definition, Collections.unmodifiableMap(changed));
  }

  private Object value(String key, Setting.Kind... kinds) {
    Setting setting = definition.setting(key);
    for (Setting.Kind kind : kinds) {
      if (setting.kind() == kind) {
        return values.get(key);
      }
    }
    throw new IllegalArgumentException(key + " is not read as " + kinds[0]);
  }

  @Override
  public String toString() {
    StringJoiner line = new StringJoiner(", ");
    for (Setting setting : definition.settings()) {
      Object value = values.get(setting.key());
      String shown;
      if (value == null) {
        shown = "<none>";
      } else if (setting.kind() == Setting.Kind.SECRET) {
        shown = "<hidden>";
      } else {
        shown = setting.shownAs().apply(Setting.format(value));
      }
      line.add(setting.key() + "=" + shown);
    }
    return line.toString();
  }
}

package org.schedmsg.contracts.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a setting's value must satisfy, with the words that say it: errors read {@code <KEY> must be
 * <words>} and the README's table shows the words. The value tested is the parsed one ({@link
 * Integer}, {@link Duration}, {@link String}); an unset value is never tested.
 *
 * @param words completes "must be …", e.g. {@code at least 1}; empty for {@link #any()}
 */
public record SettingRule(String words, Predicate<Object> test) {

  public SettingRule {
    Objects.requireNonNull(words, "words");
    Objects.requireNonNull(test, "test");
  }

  /** Any value of the setting's type. */
  public static SettingRule any() {
    return new SettingRule("", v -> true);
  }

  /** A rule of the caller's own: {@code words} completes "must be …". */
  public static SettingRule of(String words, Predicate<Object> test) {
    return new SettingRule(words, test);
  }

  public static SettingRule atLeast(int min) {
    return new SettingRule("at least " + min, v -> (Integer) v >= min);
  }

  public static SettingRule between(int min, int max) {
    return new SettingRule(
        "between " + min + " and " + max, v -> (Integer) v >= min && (Integer) v <= max);
  }

  /** A duration longer than zero. */
  public static SettingRule positive() {
    return new SettingRule("a positive duration", v -> ((Duration) v).compareTo(Duration.ZERO) > 0);
  }

  /** A duration of zero or more. */
  public static SettingRule notNegative() {
    return new SettingRule("a duration of zero or more", v -> !((Duration) v).isNegative());
  }

  /** Text matching {@code regex} in full, described by {@code words}. */
  public static SettingRule matching(String regex, String words) {
    Pattern pattern = Pattern.compile(regex);
    return new SettingRule(words, v -> pattern.matcher((String) v).matches());
  }

  /** One of {@code choices}, exactly. */
  public static SettingRule oneOf(String... choices) {
    List<String> allowed = List.of(choices);
    return new SettingRule("one of " + String.join(", ", allowed), allowed::contains);
  }

  /** Whether {@code value} (parsed, not null) satisfies the rule. */
  public boolean accepts(Object value) {
    try {
      return test.test(value);
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return words;
  }
}

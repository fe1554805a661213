package org.schedmsg.contracts.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps a README's settings table equal to {@link SettingsDefinition#markdownTable()}: the table
 * sits between {@value #BEGIN} and {@value #END}. Each service has one test that calls {@link
 * #requireCurrent}; run it with {@code -D}{@value #WRITE_PROPERTY}{@code =true} to write the
 * generated table into the README instead.
 */
public final class SettingsReadme {
  public static final String BEGIN = "<!-- settings table: generated from the definitions -->";
  public static final String END = "<!-- end of settings table -->";

  /** The system property that makes {@link #requireCurrent} rewrite the table. */
  public static final String WRITE_PROPERTY = "schedmsg.readme.write";

  private SettingsReadme() {}

  /**
   * Fails unless {@code readme} holds {@code definition}'s table between the markers; with the
   * system property {@value #WRITE_PROPERTY} set to {@code true}, writes it there instead.
   *
   * @throws IllegalStateException naming the first line that differs, and how to regenerate
   */
  public static void requireCurrent(Path readme, SettingsDefinition definition) {
    String text = read(readme);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalStateException(readme + " has no " + BEGIN + " ... " + END + " block");
    }
    int from = begin + BEGIN.length() + 1;
    String current = text.substring(Math.min(from, end), end);
    String generated = definition.markdownTable();
    if (current.equals(generated)) {
      return;
    }
    if (Boolean.getBoolean(WRITE_PROPERTY)) {
      write(readme, text.substring(0, from) + generated + text.substring(end));
      return;
    }
    throw new IllegalStateException(
        readme
            + "'s settings table differs from the definitions at: "
            + firstDifference(current, generated)
            + "; regenerate it with -D"
            + WRITE_PROPERTY
            + "=true");
  }

  private static String firstDifference(String current, String generated) {
    String[] have = current.split("\n", -1);
    String[] want = generated.split("\n", -1);
    for (int i = 0; i < Math.max(have.length, want.length); i++) {
      String a = i < have.length ? have[i] : "<nothing>";
      String b = i < want.length ? want[i] : "<nothing>";
      if (!a.equals(b)) {
        return "line " + (i + 1) + " of the table, README: " + a + " / definitions: " + b;
      }
    }
    return "line endings";
  }

  private static String read(Path readme) {
    try {
      return Files.readString(readme, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path readme, String text) {
    try {
      Files.writeString(readme, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

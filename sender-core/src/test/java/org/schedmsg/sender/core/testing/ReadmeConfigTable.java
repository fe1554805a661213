package org.schedmsg.sender.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration table of a module README: rows {@code | `KEY` | default | meaning |} under the
 * heading {@code ## Configuration}. Tests compare it with the config record's constants.
 */
public final class ReadmeConfigTable {
  private static final Pattern ROW = Pattern.compile("^\\|\\s*`([A-Z0-9_]+)`\\s*\\|([^|]*)\\|");

  private ReadmeConfigTable() {}

  /** Key -> default cell (trimmed, backticks removed), in README order. */
  public static Map<String, String> read(Path readme) throws IOException {
    List<String> lines = Files.readAllLines(readme);
    Map<String, String> rows = new LinkedHashMap<>();
    boolean inSection = false;
    for (String line : lines) {
      if (line.startsWith("## ")) {
        inSection = line.trim().equals("## Configuration");
        continue;
      }
      Matcher row = ROW.matcher(line);
      if (inSection && row.find()) {
        rows.put(row.group(1), row.group(2).replace("`", "").trim());
      }
    }
    return rows;
  }

  /** How READMEs write a duration: {@code 500ms}, {@code 10s}, {@code 5m}. */
  public static String format(Duration duration) {
    if (duration.toMillis() % 1000 != 0) {
      return duration.toMillis() + "ms";
    }
    long seconds = duration.toSeconds();
    return seconds % 60 == 0 && seconds > 0 ? seconds / 60 + "m" : seconds + "s";
  }
}

package org.schedmsg.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * I6: no log file of the run holds a message text, a recipient id or a secret. Reports the file and
 * line number and what kind of value leaked, never the value.
 */
final class LeakScanner {
  record Needle(String kind, String value) {}

  record Result(int leaks, List<String> findings) {}

  Result scan(Collection<Path> files, Collection<Needle> needles) throws IOException {
    int leaks = 0;
    List<String> findings = new ArrayList<>();
    for (Path file : files) {
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
          number++;
          for (Needle needle : needles) {
            if (!needle.value().isEmpty() && line.contains(needle.value())) {
              leaks++;
              if (findings.size() < 50) {
                findings.add(
                    "I6 leak: " + needle.kind() + " in " + file.getFileName() + ":" + number);
              }
              break;
            }
          }
        }
      } catch (java.nio.charset.MalformedInputException e) {
        findings.add("I6: " + file.getFileName() + " is not UTF-8, not scanned");
      }
    }
    return new Result(leaks, findings);
  }
}

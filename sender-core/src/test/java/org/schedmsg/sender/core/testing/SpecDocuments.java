package org.schedmsg.sender.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the platform API specifications live (Telegram Bot API JSON, WhatsApp OpenAPI YAML): {@code
 * -Dschedmsg.specs.dir=...}, else the repository's {@code specs} directory (the first one above the
 * working directory that holds the Telegram document).
 */
public final class SpecDocuments {
  public static final String PROPERTY = "schedmsg.specs.dir";

  private SpecDocuments() {}

  public static Path file(String name) {
    Path file = dir().resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("spec document " + file + " is missing");
    }
    return file;
  }

  public static Path dir() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("specs");
      if (Files.isRegularFile(candidate.resolve("telegram-bot-api.json"))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "no specs directory above the working directory; set -D" + PROPERTY);
  }
}

package org.schedmsg.contracts.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository (README, docs) found from a module's working directory. */
public final class RepositoryFiles {
  private RepositoryFiles() {}

  /** The repository root: the nearest directory above holding the parent POM. */
  public static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path pom = dir.resolve("pom.xml");
      if (Files.isRegularFile(pom)
          && read(pom).contains("<artifactId>schedmsg-parent</artifactId>")
          && Files.isDirectory(dir.resolve("contracts"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no repository root above the working directory");
  }

  public static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

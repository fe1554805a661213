package org.schedmsg.cli.command;

import java.util.Arrays;
import java.util.Iterator;
import java.util.function.Function;
import org.schedmsg.contracts.Platform;

/**
 * The values {@code --platform} takes, from {@link Platform}: picocli lists them in the help
 * ({@code ${COMPLETION-CANDIDATES}}) and the error for any other value names them.
 */
final class PlatformIds implements Iterable<String> {
  @Override
  public Iterator<String> iterator() {
    return Arrays.stream(Platform.values()).map(Platform::id).iterator();
  }

  /** {@code platform} as a {@link Platform}, or an error message naming the accepted ids. */
  static Platform parse(String platform, Function<String, RuntimeException> error) {
    try {
      return Platform.fromId(platform);
    } catch (IllegalArgumentException e) {
      throw error.apply("--platform must be one of " + String.join(", ", new PlatformIds()));
    }
  }
}

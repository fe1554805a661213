package org.schedmsg.sender.core.retry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;

/**
 * What to do when a send may or may not have been delivered (a timeout after the request was sent,
 * a 5xx): {@link #RETRY} risks a duplicate, {@link #FAIL} risks a miss. Set globally with {@code
 * SENDER_ON_AMBIGUOUS_OUTCOME} and per message with {@code metadata.on_ambiguous_outcome}.
 */
public enum AmbiguousOutcomePolicy {
  /** Keep the message pending; the scheduler sends it again (it may arrive twice). */
  RETRY,
  /** Fail it with {@code outcome_unknown:<reason>} (it may never arrive). */
  FAIL;

  /** The {@code metadata} field that overrides the global policy for one message. */
  public static final String METADATA_FIELD = "on_ambiguous_outcome";

  /** {@code retry} or {@code fail}, any case; empty for anything else. */
  public static Optional<AmbiguousOutcomePolicy> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "retry" -> Optional.of(RETRY);
      case "fail" -> Optional.of(FAIL);
      default -> Optional.empty();
    };
  }

  /** The message's own policy from {@code metadata}, else {@code fallback}. */
  public static AmbiguousOutcomePolicy forMessage(
      JsonNode metadata, AmbiguousOutcomePolicy fallback) {
    if (metadata == null || !metadata.path(METADATA_FIELD).isTextual()) {
      return fallback;
    }
    return parse(metadata.get(METADATA_FIELD).asText()).orElse(fallback);
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}

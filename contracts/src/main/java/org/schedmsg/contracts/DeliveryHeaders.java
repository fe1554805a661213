package org.schedmsg.contracts;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Header names on delivery records, so a consumer can route without parsing the body. Values are
 * UTF-8 strings; instants are ISO-8601 UTC.
 */
public final class DeliveryHeaders {
  public static final String MESSAGE_ID = "schedmsg-message-id";
  public static final String PLATFORM = "schedmsg-platform";
  public static final String PRIORITY = "schedmsg-priority";
  public static final String ATTEMPTS = "schedmsg-attempts";
  public static final String SCHEMA_VERSION = "schedmsg-schema-version";
  public static final String SCHEDULED_TIME = "schedmsg-scheduled-time";
  public static final String RELEASED_AT = "schedmsg-released-at";

  /** W3C trace context of the message, from its CDC record to the platform request. */
  public static final String TRACEPARENT = "traceparent";

  /** Every header a delivery record carries. */
  public static final List<String> ALL =
      List.of(
          MESSAGE_ID,
          PLATFORM,
          PRIORITY,
          ATTEMPTS,
          SCHEMA_VERSION,
          SCHEDULED_TIME,
          RELEASED_AT,
          TRACEPARENT);

  /** What each header holds, for the documentation derived from the topic catalog. */
  public static final Map<String, String> DESCRIPTIONS = descriptions();

  private DeliveryHeaders() {}

  private static Map<String, String> descriptions() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(MESSAGE_ID, "scheduled_messages.id (UUID)");
    d.put(
        PLATFORM,
        "the platform id: "
            + String.join(", ", Arrays.stream(Platform.values()).map(Platform::id).toList()));
    d.put(PRIORITY, "1 (most urgent) .. 9");
    d.put(ATTEMPTS, "the row's attempts when released (decimal)");
    d.put(SCHEMA_VERSION, "schema version of the value (decimal)");
    d.put(SCHEDULED_TIME, "the row's scheduled_time (ISO-8601 UTC)");
    d.put(RELEASED_AT, "when the scheduler released it (ISO-8601 UTC)");
    d.put(
        TRACEPARENT,
        "W3C trace context; the trace id is the message id's 32 hex digits, so every hop of one"
            + " message shares it");
    if (!d.keySet().equals(new LinkedHashSet<>(ALL))) {
      throw new IllegalStateException("every delivery header needs a description");
    }
    return Map.copyOf(d);
  }
}

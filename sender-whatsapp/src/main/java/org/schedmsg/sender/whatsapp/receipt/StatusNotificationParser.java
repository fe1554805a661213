package org.schedmsg.sender.whatsapp.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the status updates of a verified webhook notification, Meta's {@code
 * {"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{
 * "statuses":[{"id","status","timestamp","recipient_id","errors":[{"code","title"}]}]}}]}]}}.
 * Everything else (incoming messages, other fields, statuses we do not know such as {@code
 * deleted}) is skipped. Errors never quote the body.
 */
public final class StatusNotificationParser {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * The status updates in {@code body}, in document order.
   *
   * @throws IllegalArgumentException when the body is not such a notification
   */
  public List<StatusUpdate> parse(byte[] body) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("webhook body is not JSON");
    }
    if (root == null || !root.isObject() || !root.path("entry").isArray()) {
      throw new IllegalArgumentException("webhook body has no entry array");
    }
    List<StatusUpdate> updates = new ArrayList<>();
    for (JsonNode entry : root.path("entry")) {
      for (JsonNode change : entry.path("changes")) {
        if (!"messages".equals(change.path("field").asText())) {
          continue;
        }
        for (JsonNode status : change.path("value").path("statuses")) {
          read(status).ifPresent(updates::add);
        }
      }
    }
    return updates;
  }

  private static Optional<StatusUpdate> read(JsonNode status) {
    String wamid = status.path("id").asText("");
    Optional<ReceiptStatus> kind = ReceiptStatus.of(status.path("status").asText(""));
    String timestamp = status.path("timestamp").asText("");
    if (wamid.isEmpty() || kind.isEmpty() || !timestamp.matches("\\d{1,12}")) {
      return Optional.empty();
    }
    JsonNode code = status.path("errors").path(0).path("code");
    return Optional.of(
        new StatusUpdate(
            wamid,
            kind.get(),
            Instant.ofEpochSecond(Long.parseLong(timestamp)),
            code.canConvertToInt() && code.isNumber() ? code.asInt() : null));
  }
}

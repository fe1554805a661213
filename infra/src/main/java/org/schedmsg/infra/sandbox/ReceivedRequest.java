package org.schedmsg.infra.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A request a fake platform accepted (it carried the right credentials and a JSON body).
 *
 * @param path the request path with any credential replaced by a placeholder
 * @param body the parsed JSON body; holds message text, so {@link #toString()} leaves it out
 * @param receivedAt when the fake received it
 * @param traceparent the W3C {@code traceparent} header, or null when the request had none
 */
public record ReceivedRequest(String path, JsonNode body, Instant receivedAt, String traceparent) {
  public ReceivedRequest {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(receivedAt, "receivedAt");
  }

  public ReceivedRequest(String path, JsonNode body, Instant receivedAt) {
    this(path, body, receivedAt, null);
  }

  /** The text field {@code name} of the body, or null. */
  public String field(String name) {
    JsonNode value = body.get(name);
    return value == null || value.isNull() ? null : value.asText();
  }

  @Override
  public String toString() {
    return "ReceivedRequest{path=" + path + ", receivedAt=" + receivedAt + '}';
  }
}

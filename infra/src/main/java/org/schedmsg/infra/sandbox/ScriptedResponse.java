package org.schedmsg.infra.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * What a fake platform answers to one request. A {@link #success()} answer has no body of its own:
 * the fake fills in the platform's success body with the next message id.
 *
 * @param status HTTP status
 * @param contentType the {@code Content-Type} of {@code body}
 * @param body the answer, or null for the platform's success answer
 * @param delay how long the fake waits before answering (to provoke client timeouts)
 */
public record ScriptedResponse(int status, String contentType, String body, Duration delay) {
  static final String JSON = "application/json";

  public ScriptedResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("HTTP status out of range: " + status);
    }
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative");
    }
  }

  /** The platform's success answer, with the next message id. */
  public static ScriptedResponse success() {
    return new ScriptedResponse(200, JSON, null, Duration.ZERO);
  }

  public static ScriptedResponse json(int status, String body) {
    return new ScriptedResponse(status, JSON, Objects.requireNonNull(body, "body"), Duration.ZERO);
  }

  public static ScriptedResponse html(int status, String body) {
    return new ScriptedResponse(
        status, "text/html", Objects.requireNonNull(body, "body"), Duration.ZERO);
  }

  /** The same answer, given after {@code wait}. */
  public ScriptedResponse delayedBy(Duration wait) {
    return new ScriptedResponse(status, contentType, body, wait);
  }

  public boolean isSuccess() {
    return body == null;
  }

  @Override
  public String toString() {
    return "ScriptedResponse{status="
        + status
        + ", success="
        + isSuccess()
        + ", delay="
        + delay
        + '}';
  }
}

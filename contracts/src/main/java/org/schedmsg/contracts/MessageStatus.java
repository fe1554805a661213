package org.schedmsg.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The {@code status} column of {@code scheduled_messages}. */
public enum MessageStatus {
  PENDING,
  SENT,
  FAILED,
  CANCELLED;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static MessageStatus fromId(String id) {
    for (MessageStatus status : values()) {
      if (status.id().equals(id)) {
        return status;
      }
    }
    throw new IllegalArgumentException("unknown status: " + id);
  }

  public boolean isTerminal() {
    return this != PENDING;
  }
}

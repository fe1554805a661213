package org.schedmsg.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A delivery platform; its wire and database name is the lower-case {@link #id()}. */
public enum Platform {
  TELEGRAM,
  WHATSAPP;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Platform fromId(String id) {
    for (Platform platform : values()) {
      if (platform.id().equals(id)) {
        return platform;
      }
    }
    throw new IllegalArgumentException("unknown platform: " + id);
  }
}

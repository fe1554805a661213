package org.schedmsg.observability;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a group of checks found: each failing check's name and reason, in registration order. Its
 * JSON is {@code {"status":"UP"}} or {@code {"status":"DOWN","checks":{"<name>":"<reason>"}}}.
 */
record HealthReport(Map<String, String> problems) {
  HealthReport {
    problems = Collections.unmodifiableMap(new LinkedHashMap<>(problems));
  }

  boolean up() {
    return problems.isEmpty();
  }

  /** 200 when every check passes, 503 otherwise. */
  int status() {
    return up() ? 200 : 503;
  }

  String json() {
    if (up()) {
      return "{\"status\":\"UP\"}";
    }
    StringBuilder json = new StringBuilder("{\"status\":\"DOWN\",\"checks\":{");
    String separator = "";
    for (Map.Entry<String, String> problem : problems.entrySet()) {
      json.append(separator);
      appendString(json, problem.getKey());
      json.append(':');
      appendString(json, problem.getValue());
      separator = ",";
    }
    return json.append("}}").toString();
  }

  /** A JSON string (RFC 8259): quotes, backslashes and every control character escaped. */
  static void appendString(StringBuilder json, String text) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        case '\b' -> json.append("\\b");
        case '\f' -> json.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }
}

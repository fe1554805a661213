package org.schedmsg.contracts.docs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.schedmsg.contracts.serde.Json;
import org.schedmsg.contracts.testing.ContractSchemas;

/**
 * Flattens a schema into {@code field path -> type} (e.g. {@code message.priority -> integer}),
 * resolving local {@code $ref}s. What a consumer may rely on; the compatibility baseline.
 */
final class SchemaFields {
  private SchemaFields() {}

  static Map<String, String> of(String schemaFile) {
    try {
      JsonNode root = Json.mapper().readTree(ContractSchemas.text(schemaFile));
      Map<String, String> fields = new TreeMap<>();
      collect(root, root, "", fields);
      return fields;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void collect(
      JsonNode root, JsonNode schema, String prefix, Map<String, String> out) {
    JsonNode properties = resolve(root, schema).path("properties");
    for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String path = prefix + field.getKey();
      JsonNode type = resolve(root, field.getValue());
      out.put(path, typeOf(type));
      if (type.has("properties")) {
        collect(root, type, path + ".", out);
      }
    }
  }

  private static JsonNode resolve(JsonNode root, JsonNode schema) {
    JsonNode ref = schema.get("$ref");
    if (ref == null) {
      return schema;
    }
    String pointer = ref.asText();
    if (!pointer.startsWith("#")) {
      throw new IllegalArgumentException("only local $ref are supported: " + pointer);
    }
    return resolve(root, root.at(pointer.substring(1)));
  }

  private static String typeOf(JsonNode type) {
    if (type.has("const")) {
      return "const " + type.get("const");
    }
    if (type.has("enum")) {
      return "enum " + type.get("enum");
    }
    if (type.has("type")) {
      return type.get("type").asText()
          + (type.has("format") ? " " + type.get("format").asText() : "");
    }
    return type.has("properties") ? "object" : "any";
  }

  /** Baseline fields that are gone or retyped in {@code current}: each breaks a consumer. */
  static Map<String, String> breakingChanges(
      Map<String, String> baseline, Map<String, String> current) {
    Map<String, String> broken = new TreeMap<>();
    baseline.forEach(
        (field, type) -> {
          if (!type.equals(current.get(field))) {
            broken.put(field, type + " -> " + current.getOrDefault(field, "(removed)"));
          }
        });
    return broken;
  }

  static String render(Map<String, String> fields) {
    StringBuilder text = new StringBuilder();
    fields.forEach((k, v) -> text.append(k).append(' ').append(v).append('\n'));
    return text.toString();
  }

  static Map<String, String> parse(String text) {
    Map<String, String> fields = new TreeMap<>();
    text.lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .forEach(l -> fields.put(l.substring(0, l.indexOf(' ')), l.substring(l.indexOf(' ') + 1)));
    return fields;
  }
}

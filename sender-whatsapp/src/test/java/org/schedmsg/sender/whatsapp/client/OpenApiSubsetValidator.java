package org.schedmsg.sender.whatsapp.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSON value against an OpenAPI 3.1 schema, for the keywords Meta's WhatsApp description
 * uses on the paths we call: {@code $ref} (local), {@code allOf} (merged: properties and required
 * are united, {@code additionalProperties: false} applies to the union, as the document intends),
 * {@code oneOf} with a {@code discriminator} mapping, {@code type}, {@code enum}, {@code required},
 * {@code properties}, {@code additionalProperties: false} and {@code items}.
 */
final class OpenApiSubsetValidator {
  private final JsonNode document;

  OpenApiSubsetValidator(JsonNode document) {
    this.document = document;
  }

  /** The node at a local reference such as {@code #/components/schemas/Message}. */
  JsonNode at(String ref) {
    return document.at(ref.substring(1));
  }

  /** Problems of {@code value} against {@code schema}, with JSON paths; empty when valid. */
  List<String> validate(JsonNode schema, JsonNode value) {
    List<String> problems = new ArrayList<>();
    validate(schema, value, "$", problems);
    return problems;
  }

  private void validate(JsonNode schema, JsonNode value, String path, List<String> problems) {
    JsonNode resolved = resolve(schema);
    if (resolved.has("allOf")) {
      resolved = merge((ArrayNode) resolved.get("allOf"));
    }
    if (resolved.has("oneOf") && resolved.has("discriminator")) {
      validateOneOf(resolved, value, path, problems);
      return;
    }
    if (!hasType(resolved.path("type").asText(""), value)) {
      problems.add(path + " is not of type " + resolved.path("type").asText());
      return;
    }
    if (resolved.has("enum") && !contains(resolved.get("enum"), value)) {
      problems.add(path + " is not one of " + resolved.get("enum"));
    }
    if (value.isObject()) {
      validateObject(resolved, value, path, problems);
    }
    if (value.isArray() && resolved.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        validate(resolved.get("items"), value.get(i), path + "[" + i + "]", problems);
      }
    }
  }

  private void validateOneOf(JsonNode schema, JsonNode value, String path, List<String> problems) {
    String property = schema.path("discriminator").path("propertyName").asText();
    String kind = value.path(property).asText("");
    JsonNode ref = schema.path("discriminator").path("mapping").path(kind);
    if (ref.isMissingNode()) {
      problems.add(path + "." + property + " '" + kind + "' is not a mapped kind");
      return;
    }
    validate(
        JsonNodeFactory.instance.objectNode().put("$ref", ref.asText()), value, path, problems);
  }

  private void validateObject(JsonNode schema, JsonNode value, String path, List<String> problems) {
    for (JsonNode required : schema.path("required")) {
      if (!value.has(required.asText())) {
        problems.add(path + " misses required " + required.asText());
      }
    }
    JsonNode properties = schema.path("properties");
    boolean closed =
        schema.path("additionalProperties").isBoolean()
            && !schema.path("additionalProperties").asBoolean();
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      String fieldPath = path + "." + field.getKey();
      if (properties.has(field.getKey())) {
        validate(properties.get(field.getKey()), field.getValue(), fieldPath, problems);
      } else if (closed) {
        problems.add(fieldPath + " is not defined by the schema");
      }
    }
  }

  private JsonNode resolve(JsonNode schema) {
    JsonNode current = schema;
    while (current.has("$ref")) {
      current = at(current.get("$ref").asText());
      if (current.isMissingNode()) {
        throw new IllegalStateException("unresolved reference " + schema.get("$ref"));
      }
    }
    return current;
  }

  private ObjectNode merge(ArrayNode branches) {
    ObjectNode merged = JsonNodeFactory.instance.objectNode();
    ObjectNode properties = merged.putObject("properties");
    ArrayNode required = merged.putArray("required");
    merged.put("type", "object");
    for (JsonNode branch : branches) {
      JsonNode resolved = resolve(branch);
      if (resolved.has("allOf")) {
        resolved = merge((ArrayNode) resolved.get("allOf"));
      }
      resolved
          .path("properties")
          .properties()
          .forEach(e -> properties.set(e.getKey(), e.getValue()));
      resolved.path("required").forEach(required::add);
      if (resolved.path("additionalProperties").isBoolean()
          && !resolved.path("additionalProperties").asBoolean()) {
        merged.put("additionalProperties", false);
      }
    }
    return merged;
  }

  private static boolean hasType(String type, JsonNode value) {
    return switch (type) {
      case "" -> true;
      case "string" -> value.isTextual();
      case "boolean" -> value.isBoolean();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      default -> false;
    };
  }

  private static boolean contains(JsonNode values, JsonNode value) {
    for (JsonNode candidate : values) {
      if (candidate.equals(value)) {
        return true;
      }
    }
    return false;
  }
}

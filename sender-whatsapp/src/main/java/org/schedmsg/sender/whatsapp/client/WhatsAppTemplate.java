package org.schedmsg.sender.whatsapp.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.schedmsg.contracts.DeliveryRequest;

/**
 * Builds and validates the {@code template} object of a template message from a row's {@code
 * template_key} (the template name), {@code metadata.language} (or the configured default) and
 * {@code parameters}:
 *
 * <ul>
 *   <li>{@code ["Anna", "10:00"]}: body parameters {@code {{1}}, {{2}}} (positional);
 *   <li>{@code {"body": [..] | {"name": ..}, "header": [..] | {..}, "buttons": [{"index": 0,
 *       "sub_type": "url" | "quick_reply", "parameters": [..]}]}}: each part positional (array) or
 *       named (object, sent as {@code parameter_name});
 * </ul>
 *
 * Values are non-blank strings or numbers. Anything else fails before the call with a {@link
 * InvalidTemplateException} whose reason names the problem, never the values.
 */
public final class WhatsAppTemplate {
  public static final String LANGUAGE = "language";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> PARTS = Set.of("body", "header", "buttons");
  private static final int MAX_TEXT = 32768;

  private WhatsAppTemplate() {}

  /** The {@code template} object, or throws when the row cannot make a valid one. */
  public static ObjectNode build(DeliveryRequest request, String defaultLanguage) {
    String name = request.templateKey().trim();
    if (!name.matches("[a-z0-9_]{1,512}")) {
      throw new InvalidTemplateException("whatsapp:invalid_template_name");
    }
    ObjectNode template = MAPPER.createObjectNode().put("name", name);
    template
        .putObject("language")
        .put("policy", "deterministic")
        .put("code", language(request.metadata(), defaultLanguage));
    ArrayNode components = components(request.parameters());
    if (!components.isEmpty()) {
      template.set("components", components);
    }
    return template;
  }

  private static String language(JsonNode metadata, String defaultLanguage) {
    JsonNode value = metadata == null ? null : metadata.get(LANGUAGE);
    String code = value == null || value.isNull() ? defaultLanguage : value.asText("");
    if (!code.matches("[a-z]{2,3}(_[A-Z]{2})?")) {
      throw new InvalidTemplateException("whatsapp:invalid_template_language");
    }
    return code;
  }

  private static ArrayNode components(JsonNode parameters) {
    ArrayNode components = MAPPER.createArrayNode();
    if (parameters == null || parameters.isNull()) {
      return components;
    }
    if (parameters.isArray()) {
      addPart(components, "header", null);
      addPart(components, "body", parameters);
      return components;
    }
    if (!parameters.isObject()) {
      throw invalidParameters();
    }
    for (Iterator<String> names = parameters.fieldNames(); names.hasNext(); ) {
      if (!PARTS.contains(names.next())) {
        throw invalidParameters();
      }
    }
    addPart(components, "header", parameters.get("header"));
    addPart(components, "body", parameters.get("body"));
    addButtons(components, parameters.get("buttons"));
    return components;
  }

  private static void addPart(ArrayNode components, String type, JsonNode values) {
    if (values == null || values.isNull()) {
      return;
    }
    ArrayNode parameters = textParameters(values);
    if ("header".equals(type) && parameters.size() > 1) {
      throw invalidParameters();
    }
    if (!parameters.isEmpty()) {
      components.addObject().put("type", type).set("parameters", parameters);
    }
  }

  private static void addButtons(ArrayNode components, JsonNode buttons) {
    if (buttons == null || buttons.isNull()) {
      return;
    }
    if (!buttons.isArray()) {
      throw invalidParameters();
    }
    for (JsonNode button : buttons) {
      String subType = button.path("sub_type").asText("");
      JsonNode index = button.path("index");
      if (!Set.of("url", "quick_reply").contains(subType)
          || !index.canConvertToInt()
          || index.asInt() < 0
          || index.asInt() > 9) {
        throw invalidParameters();
      }
      ArrayNode parameters = MAPPER.createArrayNode();
      for (JsonNode value : requireValues(button.path("parameters"), true)) {
        parameters.add(
            "url".equals(subType)
                ? MAPPER.createObjectNode().put("type", "text").put("text", value.asText())
                : MAPPER.createObjectNode().put("type", "payload").put("payload", value.asText()));
      }
      components
          .addObject()
          .put("type", "button")
          .put("sub_type", subType)
          .put("index", String.valueOf(index.asInt()))
          .set("parameters", parameters);
    }
  }

  /** Positional (array) or named (object) values as text parameters. */
  private static ArrayNode textParameters(JsonNode values) {
    ArrayNode parameters = MAPPER.createArrayNode();
    if (values.isObject()) {
      for (Map.Entry<String, JsonNode> field : values.properties()) {
        if (!field.getKey().matches("[a-z0-9_]{1,100}")) {
          throw invalidParameters();
        }
        checkValue(field.getValue());
        parameters
            .addObject()
            .put("type", "text")
            .put("parameter_name", field.getKey())
            .put("text", field.getValue().asText());
      }
      return parameters;
    }
    for (JsonNode value : requireValues(values, false)) {
      parameters.addObject().put("type", "text").put("text", value.asText());
    }
    return parameters;
  }

  private static JsonNode requireValues(JsonNode values, boolean nonEmpty) {
    if (!values.isArray() || (nonEmpty && values.isEmpty())) {
      throw invalidParameters();
    }
    values.forEach(WhatsAppTemplate::checkValue);
    return values;
  }

  private static void checkValue(JsonNode value) {
    boolean ok =
        (value.isTextual() && !value.asText().isBlank() && value.asText().length() <= MAX_TEXT)
            || value.isNumber();
    if (!ok) {
      throw invalidParameters();
    }
  }

  private static InvalidTemplateException invalidParameters() {
    return new InvalidTemplateException("whatsapp:invalid_template_parameters");
  }

  /** The row cannot make a valid template message; {@link #getMessage()} is the reason. */
  public static final class InvalidTemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidTemplateException(String reason) {
      super(reason, null, false, false);
    }
  }
}

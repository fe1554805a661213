package org.schedmsg.contracts.docs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.schedmsg.contracts.CdcRecordHeaders;
import org.schedmsg.contracts.DeliveryHeaders;
import org.schedmsg.contracts.TopicDescriptor;
import org.schedmsg.contracts.Topics;

/**
 * Derives the topic documentation from the catalog ({@link Topics#descriptors()}): the AsyncAPI 3
 * document {@code docs/asyncapi.yaml} and the README's contract table. Tests compare the committed
 * files with what this renders, so documentation and topic creation cannot drift.
 */
public final class TopicDocs {
  /** Where the schemas are, relative to {@code docs/}. */
  static final String SCHEMA_PATH = "../contracts/src/main/resources/schemas/";

  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

  private TopicDocs() {}

  /** The AsyncAPI 3.0.0 document of the default-namespace topics. */
  public static String asyncApi(Topics topics) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("asyncapi", "3.0.0");
    doc.put("info", info(topics));
    doc.put("defaultContentType", "application/json");
    Map<String, Object> channels = new LinkedHashMap<>();
    Map<String, Object> operations = new LinkedHashMap<>();
    Map<String, Object> messages = new LinkedHashMap<>();
    for (TopicDescriptor d : topics.descriptors()) {
      String id = channelId(topics, d);
      channels.put(id, channel(d, id));
      operations.put(
          "write" + capitalize(id),
          ordered(
              "action",
              "send",
              "summary",
              d.writer() + " writes " + d.name(),
              "channel",
              ordered("$ref", "#/channels/" + id)));
      messages.put(id, message(d));
    }
    doc.put("channels", channels);
    doc.put("operations", operations);
    doc.put("components", ordered("messages", messages));
    try {
      return "# Generated from org.schedmsg.contracts.Topics#descriptors() by TopicDocs;"
          + " AsyncApiDocumentTest keeps it in step.\n"
          + YAML.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> info(Topics topics) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("title", "schedmsg topics");
    info.put("version", "1.0.0");
    info.put(
        "description",
        "The Kafka topics of the schedmsg pipeline (scheduled patient messages over Telegram and"
            + " WhatsApp). Addresses are shown for the default namespace `"
            + topics.namespace()
            + "`; an installation may set another (TOPIC_NAMESPACE). Consumers must read with"
            + " isolation.level=read_committed and ignore unknown fields; a field is removed or"
            + " retyped only with a new schema version (a new topic suffix).");
    return info;
  }

  private static Map<String, Object> channel(TopicDescriptor d, String id) {
    Map<String, Object> channel = new LinkedHashMap<>();
    channel.put("address", d.name());
    channel.put(
        "description",
        d.summary() + " Key: " + d.key() + ". Read by: " + String.join(", ", d.readers()) + ".");
    channel.put("messages", ordered(id, ordered("$ref", "#/components/messages/" + id)));
    Map<String, Object> topicConfiguration = new LinkedHashMap<>();
    topicConfiguration.put("cleanup.policy", List.of(d.cleanupPolicy()));
    if (d.retention() != null) {
      topicConfiguration.put("retention.ms", d.retention().toMillis());
    }
    Map<String, Object> kafka = new LinkedHashMap<>();
    kafka.put("topic", d.name());
    kafka.put("partitions", d.partitions());
    kafka.put("topicConfiguration", topicConfiguration);
    kafka.put("bindingVersion", "0.5.0");
    channel.put("bindings", ordered("kafka", kafka));
    return channel;
  }

  private static Map<String, Object> message(TopicDescriptor d) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("name", d.name());
    message.put("summary", d.summary());
    if (d.valueSchema() != null) {
      message.put("contentType", "application/json");
      message.put("payload", ordered("$ref", SCHEMA_PATH + d.valueSchema()));
    } else {
      message.put("contentType", "application/octet-stream");
      message.put("payload", ordered("type", "string", "format", "binary"));
    }
    if (!d.headers().isEmpty() && d.headers().stream().allMatch(TopicDocs::isKnownHeader)) {
      message.put("headers", headers(d.headers()));
    }
    message.put(
        "bindings",
        ordered(
            "kafka",
            ordered(
                "key",
                ordered("type", "string", "description", d.key()),
                "bindingVersion",
                "0.5.0")));
    return message;
  }

  private static boolean isKnownHeader(String name) {
    return DeliveryHeaders.DESCRIPTIONS.containsKey(name)
        || CdcRecordHeaders.DESCRIPTIONS.containsKey(name);
  }

  private static Map<String, Object> headers(List<String> names) {
    Map<String, Object> properties = new LinkedHashMap<>();
    names.forEach(
        h ->
            properties.put(
                h,
                ordered(
                    "type",
                    "string",
                    "description",
                    DeliveryHeaders.DESCRIPTIONS.getOrDefault(
                        h, CdcRecordHeaders.DESCRIPTIONS.get(h)))));
    return ordered("type", "object", "properties", properties);
  }

  /** The README's contract table (Markdown). */
  public static String markdownTable(Topics topics) {
    List<String> rows = new ArrayList<>();
    rows.add("| topic | key | value | headers | partitions, cleanup | writer → readers |");
    rows.add("|---|---|---|---|---|---|");
    for (TopicDescriptor d : topics.descriptors()) {
      String value =
          d.valueSchema() == null
              ? "bytes"
              : "[`"
                  + d.valueSchema()
                  + "`](contracts/src/main/resources/schemas/"
                  + d.valueSchema()
                  + ")";
      String cleanup =
          d.partitions()
              + ", "
              + (d.compacted() ? "compact" : "delete after " + d.retention().toDays() + " days");
      String headers =
          d.headers().isEmpty()
              ? "—"
              : d.headers().stream()
                  .map(h -> h.contains(" ") ? h : "`" + h + "`")
                  .reduce((a, b) -> a + ", " + b)
                  .get();
      rows.add(
          "| `"
              + d.name()
              + "` | "
              + d.key()
              + " | "
              + value
              + " | "
              + headers
              + " | "
              + cleanup
              + " | "
              + d.writer()
              + " → "
              + String.join(", ", d.readers())
              + " |");
    }
    return String.join("\n", rows) + "\n";
  }

  /** A map that keeps the order of its entries, so the rendering is stable. */
  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  static String channelId(Topics topics, TopicDescriptor d) {
    String local = d.name().substring(topics.namespace().length() + 1);
    StringBuilder id = new StringBuilder();
    for (String part : local.split("[.\\-]")) {
      id.append(id.length() == 0 ? part : capitalize(part));
    }
    return id.toString();
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }
}

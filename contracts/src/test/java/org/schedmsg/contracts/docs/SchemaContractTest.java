package org.schedmsg.contracts.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.schedmsg.contracts.DeliveryReceipt;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.serde.Json;
import org.schedmsg.contracts.testing.ContractSchemas;

/** Golden samples and what our serdes write both validate against the published schemas. */
class SchemaContractTest {
  static final Topics TOPICS = Topics.defaults();

  static Stream<Path> goldenSamples() throws IOException, URISyntaxException {
    Path golden = Path.of(SchemaContractTest.class.getResource("/golden").toURI());
    List<Path> files;
    try (Stream<Path> walk = Files.walk(golden)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("goldenSamples")
  void shouldValidateGoldenSampleWhenCheckedAgainstItsSchema(Path sample) throws IOException {
    String schema = sample.getParent().getFileName().toString();
    assertThat(ContractSchemas.violations(schema, Files.readString(sample))).isEmpty();
  }

  @Test
  void shouldRejectSampleWhenRequiredFieldIsMissing() throws Exception {
    ObjectNode sample = (ObjectNode) Json.mapper().readTree(json(fullDeliveryRequest()));
    sample.remove("message_id");
    assertThat(ContractSchemas.violations("delivery-request.v1.schema.json", sample.toString()))
        .isNotEmpty();
  }

  @Test
  void shouldWriteExactlyTheSchemaFieldsWhenDeliveryRequestIsFullyPopulated() throws Exception {
    String json = json(fullDeliveryRequest());
    assertThat(ContractSchemas.violations("delivery-request.v1.schema.json", json)).isEmpty();
    assertThat(fieldNames(Json.mapper().readTree(json), ""))
        .isEqualTo(SchemaFields.of("delivery-request.v1.schema.json").keySet());
  }

  @Test
  void shouldWriteExactlyTheSchemaFieldsWhenChangeIsFullyPopulated() throws Exception {
    ScheduledMessageChange change =
        new ScheduledMessageChange(1, "u", 7L, Instant.parse("2026-11-28T08:00:00Z"), fullRow());
    String json = json(change);
    assertThat(ContractSchemas.violations("scheduled-message-change.v1.schema.json", json))
        .isEmpty();
    Set<String> names = fieldNames(Json.mapper().readTree(json), "");
    assertThat(names)
        .isEqualTo(SchemaFields.of("scheduled-message-change.v1.schema.json").keySet());
  }

  @Test
  void shouldWriteExactlyTheSchemaFieldsWhenRejectionIsWritten() throws Exception {
    String json = json(RejectedMessage.of(fullRow(), "max_attempts_exceeded:telegram:500", now()));
    assertThat(ContractSchemas.violations("rejected-message.v1.schema.json", json)).isEmpty();
    assertThat(fieldNames(Json.mapper().readTree(json), ""))
        .isEqualTo(SchemaFields.of("rejected-message.v1.schema.json").keySet());
  }

  @Test
  void shouldWriteExactlyTheSchemaFieldsWhenReceiptIsWritten() throws Exception {
    DeliveryReceipt receipt =
        new DeliveryReceipt(
            DeliveryReceipt.SCHEMA_VERSION,
            UUID.randomUUID(),
            Platform.WHATSAPP,
            "wamid.HBgL",
            "failed",
            now(),
            131026,
            true,
            now());
    String json = json(receipt);
    assertThat(ContractSchemas.violations("delivery-receipt.v1.schema.json", json)).isEmpty();
    assertThat(fieldNames(Json.mapper().readTree(json), ""))
        .isEqualTo(SchemaFields.of("delivery-receipt.v1.schema.json").keySet());
  }

  @Test
  void shouldDeclareJavaSchemaVersionWhenSchemaIsPublished() throws Exception {
    assertVersion("delivery-receipt.v1.schema.json", DeliveryReceipt.SCHEMA_VERSION);
    assertVersion("delivery-request.v1.schema.json", DeliveryRequest.SCHEMA_VERSION);
    assertVersion("scheduled-message-change.v1.schema.json", ScheduledMessageChange.SCHEMA_VERSION);
    assertVersion("rejected-message.v1.schema.json", RejectedMessage.SCHEMA_VERSION);
  }

  private static void assertVersion(String file, int javaVersion) throws IOException {
    JsonNode schema = Json.mapper().readTree(ContractSchemas.text(file));
    assertThat(schema.path("x-schema-version").asInt()).isEqualTo(javaVersion);
    assertThat(schema.path("properties").path("schema_version").path("const").asInt())
        .isEqualTo(javaVersion);
    assertThat(file).contains(".v" + javaVersion + ".");
  }

  private static Set<String> fieldNames(JsonNode node, String prefix) {
    Set<String> names = new HashSet<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      names.add(prefix + name);
      JsonNode child = node.get(name);
      boolean opaqueJson = Set.of("parameters", "metadata", "recurrence_pattern").contains(name);
      if (child.isObject() && !opaqueJson) {
        names.addAll(fieldNames(child, prefix + name + "."));
      }
    }
    return names;
  }

  private static String json(Object value) throws IOException {
    return new String(Json.mapper().writeValueAsBytes(value), StandardCharsets.UTF_8);
  }

  private static Instant now() {
    return Instant.parse("2026-11-28T08:00:00.250Z");
  }

  private static ScheduledMessage fullRow() throws IOException {
    JsonNode object = Json.mapper().readTree("{\"k\":\"v\"}");
    Instant t = Instant.parse("2026-11-28T08:00:00.123456Z");
    return new ScheduledMessage(
        UUID.randomUUID(),
        UUID.randomUUID(),
        "123456789",
        Platform.TELEGRAM,
        "text",
        t,
        "tpl",
        object,
        object,
        MessageStatus.PENDING,
        "telegram:500",
        t,
        t,
        t,
        t,
        2,
        t,
        3,
        object,
        60,
        4L);
  }

  private static DeliveryRequest fullDeliveryRequest() throws IOException {
    return DeliveryRequest.of(fullRow(), now());
  }
}

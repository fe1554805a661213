package org.schedmsg.sender.telegram.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.schedmsg.contracts.Platform;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.sender.core.testing.SpecDocuments;
import org.schedmsg.sender.core.testing.TestRequests;

/**
 * Every body the client sends validates against {@code sendMessage} in the Telegram Bot API
 * specification ({@code specs/telegram-bot-api.json}): required fields present, no field the method
 * does not define, each value of a type the field allows. The fake's success answer carries the
 * fields the spec requires of a {@code Message}.
 */
class TelegramSendMessageContractTest {
  private static final String TOKEN = "42:contract";
  private static JsonNode spec;
  private static FakeTelegramServer telegram;

  @BeforeAll
  static void load() throws IOException {
    spec = new ObjectMapper().readTree(SpecDocuments.file("telegram-bot-api.json").toFile());
    telegram = FakeTelegramServer.start(0, TOKEN);
  }

  @AfterAll
  static void stop() {
    telegram.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"123456789", "-1001234567890", "@clinic_channel"})
  void shouldMatchSendMessageDefinitionWhenClientBuildsRequest(String chatId) {
    telegram.reset();
    TelegramClient client =
        new TelegramClient(
            HttpClient.newHttpClient(),
            URI.create(telegram.baseUrl()),
            TOKEN,
            Duration.ofSeconds(5));

    client.send(TestRequests.request(Platform.TELEGRAM, chatId, "Your appointment is at 10:00"));

    JsonNode body = telegram.requests().get(0).body();
    assertThat(violations(spec.path("methods").path("sendMessage"), body)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"MarkdownV2", "HTML", "Markdown"})
  void shouldMatchSendMessageDefinitionWhenMetadataSetsOptions(String parseMode) {
    telegram.reset();
    TelegramClient client =
        new TelegramClient(
            HttpClient.newHttpClient(),
            URI.create(telegram.baseUrl()),
            TOKEN,
            Duration.ofSeconds(5));

    client.send(
        TestRequests.withMetadata(
            TestRequests.request(Platform.TELEGRAM, "123", "Take 2.5 mg <now> (with food)!"),
            "{\"parse_mode\":\""
                + parseMode
                + "\",\"disable_notification\":true,\"protect_content\":false}"));

    JsonNode body = telegram.requests().get(0).body();
    assertThat(body.has("parse_mode")).isTrue();
    assertThat(violations(spec.path("methods").path("sendMessage"), body)).isEmpty();
  }

  @Test
  void shouldCarryRequiredMessageFieldsWhenFakeAnswersSuccess() throws Exception {
    telegram.reset();
    HttpClient http = HttpClient.newHttpClient();
    var response =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    URI.create(telegram.baseUrl() + "/bot" + TOKEN + "/sendMessage"))
                .header("Content-Type", "application/json")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"chat_id\":7,\"text\":\"hello\"}"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    JsonNode answer = new ObjectMapper().readTree(response.body());

    assertThat(answer.path("ok").asBoolean()).isTrue();
    assertThat(violations(spec.path("types").path("Message"), answer.path("result"))).isEmpty();
  }

  /** Spec violations of {@code value} against a method or type definition with "fields". */
  static List<String> violations(JsonNode definition, JsonNode value) {
    assertThat(definition.path("fields").isArray()).as("definition has fields").isTrue();
    Map<String, JsonNode> fields = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (JsonNode field : definition.path("fields")) {
      fields.put(field.path("name").asText(), field);
      if (field.path("required").asBoolean() && !value.has(field.path("name").asText())) {
        problems.add("missing required field " + field.path("name").asText());
      }
    }
    for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      JsonNode field = fields.get(name);
      if (field == null) {
        problems.add("field " + name + " is not defined");
      } else if (!hasAllowedType(field.path("types"), value.get(name))) {
        problems.add("field " + name + " has a type other than " + field.path("types"));
      }
    }
    return problems;
  }

  private static boolean hasAllowedType(JsonNode types, JsonNode value) {
    for (JsonNode type : types) {
      boolean matches =
          switch (type.asText()) {
            case "Integer" -> value.isIntegralNumber();
            case "String" -> value.isTextual();
            case "Boolean", "True" -> value.isBoolean();
            case "Float" -> value.isNumber();
            default -> type.asText().startsWith("Array of") ? value.isArray() : value.isObject();
          };
      if (matches) {
        return true;
      }
    }
    return false;
  }
}

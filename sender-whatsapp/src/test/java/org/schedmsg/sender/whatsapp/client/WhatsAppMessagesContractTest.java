package org.schedmsg.sender.whatsapp.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.schedmsg.contracts.Platform;
import org.schedmsg.infra.sandbox.FakeWhatsAppServer;
import org.schedmsg.infra.sandbox.ScriptedResponse;
import org.schedmsg.sender.core.testing.SpecDocuments;
import org.schedmsg.sender.core.testing.TestRequests;

/**
 * Every body the client sends validates against the request schema of {@code POST
 * /{Version}/{Phone-Number-ID}/messages} in Meta's OpenAPI description ({@code
 * specs/whatsapp-business-messaging-api_v23.0.yaml}): the {@code Message} schema resolved through
 * its {@code type} discriminator to {@code TextMessage} (required fields, field names, types,
 * enums, no undefined fields). The fake answers in the document's response shapes.
 */
class WhatsAppMessagesContractTest {
  private static final String TOKEN = "EAAG-contract";
  private static final String PHONE_NUMBER_ID = "106540352242922";
  private static final String PATH = "/{Version}/{Phone-Number-ID}/messages";

  private static JsonNode spec;
  private static OpenApiSubsetValidator validator;
  private static FakeWhatsAppServer whatsapp;

  @BeforeAll
  static void load() throws IOException {
    YAMLMapper yaml = new YAMLMapper(YAMLFactory.builder().loaderOptions(largeDocuments()).build());
    spec = yaml.readTree(SpecDocuments.file("whatsapp-business-messaging-api_v23.0.yaml").toFile());
    validator = new OpenApiSubsetValidator(spec);
    whatsapp = FakeWhatsAppServer.start(0, TOKEN, PHONE_NUMBER_ID);
  }

  private static org.yaml.snakeyaml.LoaderOptions largeDocuments() {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    options.setCodePointLimit(16 * 1024 * 1024);
    return options;
  }

  @AfterAll
  static void stop() {
    whatsapp.close();
  }

  private static JsonNode operation() {
    return spec.path("paths").path(PATH).path("post");
  }

  @ParameterizedTest
  @ValueSource(strings = {"+16505551234", "16505551234", "4915112345678"})
  void shouldMatchTextMessageSchemaWhenClientBuildsRequest(String to) {
    whatsapp.reset();
    WhatsAppClient client =
        new WhatsAppClient(
            HttpClient.newHttpClient(),
            URI.create(whatsapp.baseUrl()),
            PHONE_NUMBER_ID,
            TOKEN,
            Duration.ofSeconds(5));

    client.send(TestRequests.request(Platform.WHATSAPP, to, "Your prescription is ready"));

    JsonNode body = whatsapp.requests().get(0).body();
    JsonNode schema =
        operation().path("requestBody").path("content").path("application/json").path("schema");
    assertThat(schema.isMissingNode()).as("request schema in the spec").isFalse();
    assertThat(validator.validate(schema, body)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "null",
        "[\"Anna\", 10]",
        "{\"body\": [\"Anna\", \"10:00\"]}",
        "{\"body\": {\"patient_name\": \"Anna\"}, \"header\": [\"Dr. Lee\"]}",
        "{\"header\": {\"doctor\": \"Dr. Lee\"}, \"buttons\": [{\"index\": 0,"
            + " \"sub_type\": \"url\", \"parameters\": [\"abc123\"]}, {\"index\": 1,"
            + " \"sub_type\": \"quick_reply\", \"parameters\": [\"CONFIRM\"]}]}"
      })
  void shouldMatchTemplateMessageSchemaWhenClientBuildsTemplateRequest(String parameters) {
    whatsapp.reset();
    WhatsAppClient client =
        new WhatsAppClient(
            HttpClient.newHttpClient(),
            URI.create(whatsapp.baseUrl()),
            PHONE_NUMBER_ID,
            TOKEN,
            Duration.ofSeconds(5));

    client.send(
        TestRequests.withTemplate(
            TestRequests.request(Platform.WHATSAPP, "+16505551234", null),
            "appointment_reminder",
            "null".equals(parameters) ? null : parameters));

    JsonNode body = whatsapp.requests().get(0).body();
    JsonNode schema =
        operation().path("requestBody").path("content").path("application/json").path("schema");
    assertThat(validator.validate(schema, body)).isEmpty();
    for (JsonNode component : body.path("template").path("components")) {
      assertThat(validateByDiscriminator("TemplateComponent", component)).isEmpty();
      String parameterBase =
          "button".equals(component.path("type").asText())
              ? "ButtonParameterObject"
              : "ParameterObject";
      for (JsonNode parameter : component.path("parameters")) {
        assertThat(validateByDiscriminator(parameterBase, parameter)).isEmpty();
      }
    }
  }

  /** Validates {@code value} against the schema its discriminator maps it to from {@code base}. */
  private static java.util.List<String> validateByDiscriminator(String base, JsonNode value) {
    JsonNode schemas = spec.path("components").path("schemas");
    JsonNode discriminator = schemas.path(base).path("discriminator");
    String kind = value.path(discriminator.path("propertyName").asText()).asText();
    String ref = discriminator.path("mapping").path(kind).asText();
    assertThat(ref).as("%s maps %s", base, kind).isNotBlank();
    return validator.validate(schemas.path(ref.substring(ref.lastIndexOf('/') + 1)), value);
  }

  @Test
  void shouldRejectBodiesTheSchemaForbidsWhenValidatorIsStrict() throws Exception {
    JsonNode schema =
        operation().path("requestBody").path("content").path("application/json").path("schema");
    ObjectMapper json = new ObjectMapper();

    assertThat(
            validator.validate(
                schema,
                json.readTree(
                    "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"1\","
                        + "\"type\":\"text\",\"text\":{\"body\":\"x\",\"bogus\":true}}")))
        .singleElement()
        .asString()
        .contains("bogus");
    assertThat(
            validator.validate(
                schema,
                json.readTree(
                    "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\","
                        + "\"type\":\"text\",\"text\":{\"body\":\"x\"}}")))
        .singleElement()
        .asString()
        .contains("to");
  }

  @Test
  void shouldMatchResponseSchemaWhenFakeAnswersSuccess() throws Exception {
    JsonNode answer =
        post(
            "{\"messaging_product\":\"whatsapp\",\"to\":\"+1555\","
                + "\"type\":\"text\",\"text\":{\"body\":\"hi\"}}");
    JsonNode schema =
        operation()
            .path("responses")
            .path("200")
            .path("content")
            .path("application/json")
            .path("schema");

    assertThat(validator.validate(schema, answer)).isEmpty();
    assertThat(answer.path("messages").path(0).path("id").asText()).startsWith("wamid.");
  }

  @Test
  void shouldMatchGraphApiErrorSchemaWhenFakeAnswersError() throws Exception {
    JsonNode errorSchema = spec.path("components").path("schemas").path("GraphAPIError");
    for (ScriptedResponse response :
        new ScriptedResponse[] {
          FakeWhatsAppServer.reEngagementRequired(), FakeWhatsAppServer.undeliverable(),
          FakeWhatsAppServer.rateLimitHit(), FakeWhatsAppServer.pairRateLimitHit(),
          FakeWhatsAppServer.invalidToken(), FakeWhatsAppServer.internalError()
        }) {
      whatsapp.respondWith(response);
      JsonNode answer =
          post(
              "{\"messaging_product\":\"whatsapp\",\"to\":\"+1555\","
                  + "\"type\":\"text\",\"text\":{\"body\":\"hi\"}}");

      assertThat(validator.validate(errorSchema, answer)).as(response.toString()).isEmpty();
    }
  }

  private static JsonNode post(String body) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(whatsapp.baseUrl() + "/" + PHONE_NUMBER_ID + "/messages"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(response.body());
  }
}

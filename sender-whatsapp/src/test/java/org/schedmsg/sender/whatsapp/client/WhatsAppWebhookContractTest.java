package org.schedmsg.sender.whatsapp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.Platform;
import org.schedmsg.infra.sandbox.FakeWhatsAppServer;
import org.schedmsg.sender.core.testing.SpecDocuments;
import org.schedmsg.sender.core.testing.TestRequests;
import org.schedmsg.sender.whatsapp.receipt.ReceiptStatus;
import org.schedmsg.sender.whatsapp.receipt.StatusNotificationParser;
import org.schedmsg.sender.whatsapp.receipt.StatusUpdate;
import org.schedmsg.sender.whatsapp.webhook.SignatureVerifier;

/**
 * The status notifications the sandbox sends validate against the webhook schema of Meta's OpenAPI
 * description ({@code POST /whatsapp/webhooks}: {@code WebhookPayload} -> {@code Entry} -> {@code
 * Change}, whose {@code value} is {@code StatusMessageValue} -> {@code Statuses} -> {@code
 * StatusError}), use only fields the document defines, carry a valid {@code X-Hub-Signature-256},
 * and are read by our parser as Meta means them.
 */
class WhatsAppWebhookContractTest {
  private static final String TOKEN = "EAAG-contract";
  private static final String PHONE_NUMBER_ID = "106540352242922";
  private static final String SECRET = "contract-app-secret";

  private static JsonNode spec;
  private static OpenApiSubsetValidator validator;
  private static FakeWhatsAppServer whatsapp;
  private static HttpServer receiver;
  private static final List<byte[]> bodies = Collections.synchronizedList(new ArrayList<>());
  private static final List<String> signatures = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void load() throws IOException {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    options.setCodePointLimit(16 * 1024 * 1024);
    YAMLMapper yaml = new YAMLMapper(YAMLFactory.builder().loaderOptions(options).build());
    spec = yaml.readTree(SpecDocuments.file("whatsapp-business-messaging-api_v23.0.yaml").toFile());
    validator = new OpenApiSubsetValidator(spec);
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/",
        exchange -> {
          try (exchange) {
            bodies.add(exchange.getRequestBody().readAllBytes());
            signatures.add(exchange.getRequestHeaders().getFirst("X-Hub-Signature-256"));
            exchange.sendResponseHeaders(200, -1);
          }
        });
    receiver.start();
    whatsapp = FakeWhatsAppServer.start(0, TOKEN, PHONE_NUMBER_ID);
    whatsapp.sendStatusCallbacks(
        URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"),
        SECRET,
        Duration.ofMillis(50));
  }

  @AfterAll
  static void stop() {
    whatsapp.close();
    receiver.stop(0);
  }

  @Test
  void shouldMatchMetaWebhookSchemaWhenSandboxSendsDeliveredReadAndFailed() throws Exception {
    WhatsAppClient client =
        new WhatsAppClient(
            HttpClient.newHttpClient(),
            URI.create(whatsapp.baseUrl()),
            PHONE_NUMBER_ID,
            TOKEN,
            Duration.ofSeconds(5));
    whatsapp.failReceiptsFor("4915100000002", 131026);

    client.send(TestRequests.request(Platform.WHATSAPP, "4915100000001", "Take your medication"));
    client.send(TestRequests.request(Platform.WHATSAPP, "4915100000002", "Take your medication"));
    await().atMost(Duration.ofSeconds(10)).until(() -> bodies.size() >= 3);

    SignatureVerifier verifier = new SignatureVerifier(SECRET);
    Set<ReceiptStatus> seen = new TreeSet<>();
    for (int i = 0; i < bodies.size(); i++) {
      byte[] body = bodies.get(i);
      assertThat(verifier.verify(signatures.get(i), body)).isTrue();
      JsonNode payload = new ObjectMapper().readTree(body);
      assertThat(validator.validate(webhookSchema(), payload)).isEmpty();
      for (JsonNode entry : payload.path("entry")) {
        for (JsonNode change : entry.path("changes")) {
          assertThat(validator.validate(schema("StatusMessageValue"), change.path("value")))
              .isEmpty();
          assertOnlyDefinedFields(change.path("value"), "StatusMessageValue");
          for (JsonNode status : change.path("value").path("statuses")) {
            assertOnlyDefinedFields(status, "Statuses");
            for (JsonNode error : status.path("errors")) {
              assertOnlyDefinedFields(error, "StatusError");
            }
          }
        }
      }
      for (StatusUpdate update : new StatusNotificationParser().parse(body)) {
        seen.add(update.status());
        if (update.status() == ReceiptStatus.FAILED) {
          assertThat(update.errorCode()).isEqualTo(131026);
        }
      }
    }
    assertThat(seen)
        .containsExactly(ReceiptStatus.DELIVERED, ReceiptStatus.READ, ReceiptStatus.FAILED);
    String all = new String(bodies.get(0), StandardCharsets.UTF_8);
    assertThat(all).doesNotContain("Take your medication");
  }

  private static JsonNode webhookSchema() {
    return spec.path("paths")
        .path("/whatsapp/webhooks")
        .path("post")
        .path("requestBody")
        .path("content")
        .path("application/json")
        .path("schema");
  }

  private static JsonNode schema(String name) {
    return spec.path("components").path("schemas").path(name);
  }

  private static void assertOnlyDefinedFields(JsonNode value, String schemaName) {
    JsonNode properties = schema(schemaName).path("properties");
    value
        .fieldNames()
        .forEachRemaining(
            name ->
                assertThat(properties.has(name))
                    .as("%s.%s is defined by Meta's schema", schemaName, name)
                    .isTrue());
  }
}

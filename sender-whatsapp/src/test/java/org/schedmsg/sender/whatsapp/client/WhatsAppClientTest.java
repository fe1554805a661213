package org.schedmsg.sender.whatsapp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.infra.sandbox.FakeWhatsAppServer;
import org.schedmsg.infra.sandbox.ReceivedRequest;
import org.schedmsg.infra.sandbox.ScriptedResponse;
import org.schedmsg.sender.core.client.PlatformHttpClient;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.core.client.StreamingAnswerServer;
import org.schedmsg.sender.core.testing.TestRequests;
import org.slf4j.LoggerFactory;

class WhatsAppClientTest {
  static final String TOKEN = "EAAGsandboxToken123";
  static final String PHONE_NUMBER_ID = "106540352242922";

  private final FakeWhatsAppServer whatsapp = FakeWhatsAppServer.start(0, TOKEN, PHONE_NUMBER_ID);

  @AfterEach
  void stop() {
    whatsapp.close();
  }

  private WhatsAppClient client(String token, Duration timeout) {
    return new WhatsAppClient(
        HttpClient.newBuilder().connectTimeout(timeout).build(),
        URI.create(whatsapp.baseUrl()),
        PHONE_NUMBER_ID,
        token,
        timeout);
  }

  private SendResult send(DeliveryRequest request) {
    return client(TOKEN, Duration.ofSeconds(5)).send(request);
  }

  private static DeliveryRequest request(String to) {
    return TestRequests.request(Platform.WHATSAPP, to, "Your vaccination is due");
  }

  /** The Cloud API's success answer for a message to {@code to}. */
  private static String successBody(String to) {
    return "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\""
        + to
        + "\",\"wa_id\":\""
        + to.replace("+", "")
        + "\"}],\"messages\":[{\"id\":\"wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA\"}]}";
  }

  /** A Graph API error answer whose {@code error_data.details} is {@code details}. */
  private static String errorBody(int code, String details) {
    return "{\"error\":{\"message\":\"(#"
        + code
        + ") Message undeliverable\",\"type\":\"OAuthException\",\"code\":"
        + code
        + ",\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":\""
        + details
        + "\"},\"fbtrace_id\":\"AazKQ5Fh1vX9\"}}";
  }

  @Test
  void shouldReturnWamidWhenCloudApiAccepts() {
    SendResult first = send(request("+16505551234"));
    SendResult second = send(request("+16505551234"));

    assertThat(first).isInstanceOf(SendResult.Delivered.class);
    assertThat(((SendResult.Delivered) first).platformMessageId()).startsWith("wamid.");
    assertThat(second).isNotEqualTo(first);
  }

  @Test
  void shouldSendTextMessageToPhoneNumberPathWhenSending() {
    send(request("+16505551234"));

    ReceivedRequest received = whatsapp.requests().get(0);
    assertThat(received.path()).isEqualTo("/v23.0/" + PHONE_NUMBER_ID + "/messages");
    assertThat(received.field("messaging_product")).isEqualTo("whatsapp");
    assertThat(received.field("recipient_type")).isEqualTo("individual");
    assertThat(received.field("to")).isEqualTo("+16505551234");
    assertThat(received.field("type")).isEqualTo("text");
    assertThat(received.body().path("text").path("body").asText())
        .isEqualTo("Your vaccination is due");
    assertThat(received.body().path("text").path("preview_url").asBoolean(true)).isFalse();
  }

  @Test
  void shouldFailPermanentlyWhenReEngagementRequired() {
    whatsapp.respondWith(FakeWhatsAppServer.reEngagementRequired());

    assertThat(send(request("+15550001"))).isEqualTo(new SendResult.Permanent("whatsapp:131047"));
  }

  @Test
  void shouldFailPermanentlyWhenUndeliverable() {
    whatsapp.failFor("+4915110001", FakeWhatsAppServer.undeliverable());

    assertThat(send(request("+4915110001"))).isEqualTo(new SendResult.Permanent("whatsapp:131026"));
    assertThat(send(request("+4915120002"))).isInstanceOf(SendResult.Delivered.class);
  }

  @Test
  void shouldPauseNumberOrRecipientWhenRateLimited() {
    whatsapp.respondWith(FakeWhatsAppServer.rateLimitHit(), FakeWhatsAppServer.pairRateLimitHit());

    assertThat(send(request("+15550001")))
        .isEqualTo(new SendResult.RateLimited("whatsapp:130429", SendResult.Scope.PLATFORM, null));
    assertThat(send(request("+15550001")))
        .isEqualTo(new SendResult.RateLimited("whatsapp:131056", SendResult.Scope.RECIPIENT, null));
  }

  @Test
  void shouldRetryWhenServerFails() {
    whatsapp.respondWith(FakeWhatsAppServer.internalError());

    assertThat(send(request("+15550001"))).isEqualTo(new SendResult.Retryable("whatsapp:131000"));
  }

  @Test
  void shouldStopPlatformAsFatalWhenTokenIsRejected() {
    assertThat(client("EAAGwrong", Duration.ofSeconds(5)).send(request("+15550001")))
        .isEqualTo(new SendResult.Fatal("whatsapp:190_invalid_token"));
    assertThat(whatsapp.requests()).isEmpty();

    whatsapp.respondWith(FakeWhatsAppServer.invalidToken());
    assertThat(send(request("+15550001")))
        .isEqualTo(new SendResult.Fatal("whatsapp:190_invalid_token"));
  }

  @Test
  void shouldRetryAsConnectionFailedWhenPortIsClosed() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    WhatsAppClient client =
        new WhatsAppClient(
            HttpClient.newHttpClient(),
            URI.create("http://127.0.0.1:" + closedPort + "/v23.0"),
            PHONE_NUMBER_ID,
            TOKEN,
            Duration.ofSeconds(2));

    assertThat(client.send(request("+15550001")))
        .isEqualTo(new SendResult.Retryable("connection_failed"));
  }

  @Test
  void shouldBeAmbiguousAsTimeoutWhenAnswerIsSlow() {
    whatsapp.delayAllResponses(Duration.ofSeconds(30));

    assertThat(client(TOKEN, Duration.ofMillis(300)).send(request("+15550001")))
        .isEqualTo(new SendResult.Ambiguous("timeout"));
    assertThat(whatsapp.requests()).hasSize(1);
  }

  @Test
  void shouldFailPermanentlyWithoutCallingMetaWhenTextIsMissing() {
    assertThat(send(TestRequests.request(Platform.WHATSAPP, "+15550001", " ")))
        .isEqualTo(new SendResult.Permanent("whatsapp:no_text"));
    assertThat(whatsapp.requests()).isEmpty();
  }

  @Test
  void shouldBeAmbiguousAsTooLargeWhateverStatusWhenAnswerExceedsCap() {
    String huge = "x".repeat(PlatformHttpClient.MAX_RESPONSE_BYTES);
    whatsapp.respondWith(
        ScriptedResponse.json(400, errorBody(131026, huge)),
        ScriptedResponse.json(200, successBody("+15550001").replace("}]}", "}]," + pad(huge))));

    assertThat(send(request("+15550001")))
        .isEqualTo(new SendResult.Ambiguous("response_too_large"));
    assertThat(send(request("+15550001")))
        .isEqualTo(new SendResult.Ambiguous("response_too_large"));
    assertThat(send(request("+15550001"))).isInstanceOf(SendResult.Delivered.class);
  }

  private static String pad(String filler) {
    return "\"padding\":\"" + filler + "\"}";
  }

  @Test
  void shouldEndWithinTimeoutAsAmbiguousWhenBodyDripsSlowerThanTimeout() {
    Duration timeout = Duration.ofMillis(300);
    try (StreamingAnswerServer dripping =
        StreamingAnswerServer.drip(200, successBody("+15550001"), Duration.ofMillis(100))) {
      WhatsAppClient client =
          new WhatsAppClient(
              PlatformHttpClient.newHttpClient(timeout),
              URI.create(dripping.baseUrl() + "/v23.0"),
              PHONE_NUMBER_ID,
              TOKEN,
              timeout);

      CompletableFuture<SendResult> call =
          CompletableFuture.supplyAsync(() -> client.send(request("+15550001")));

      await().atMost(timeout.multipliedBy(8)).until(call::isDone);
      assertThat(call.join()).isEqualTo(new SendResult.Ambiguous("timeout"));
      assertThat(dripping.requestCount()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(5)).until(dripping::clientHungUp);
    }
  }

  @Test
  void shouldKeepTokenTextAndRecipientOutOfLogsWhenSending() {
    List<Logger> loggers =
        List.of(
            (Logger) LoggerFactory.getLogger(WhatsAppClient.class),
            (Logger) LoggerFactory.getLogger(PlatformHttpClient.class));
    List<Level> levels = loggers.stream().map(Logger::getLevel).toList();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    loggers.forEach(
        logger -> {
          logger.addAppender(logs);
          logger.setLevel(Level.DEBUG);
        });
    try {
      send(request("+4917700000"));
      whatsapp.respondWith(FakeWhatsAppServer.reEngagementRequired());
      send(request("+4917700000"));
      whatsapp.respondWith(
          ScriptedResponse.json(
              400, errorBody(131026, "+4917700000 vaccination".repeat(4 * 1024))));
      send(request("+4917700000"));
      client(TOKEN, Duration.ofMillis(200)).send(request("+4917700000"));
      whatsapp.close();
      send(request("+4917700000"));
    } finally {
      for (int i = 0; i < loggers.size(); i++) {
        loggers.get(i).detachAppender(logs);
        loggers.get(i).setLevel(levels.get(i));
      }
    }

    assertThat(logs.list)
        .isNotEmpty()
        .allSatisfy(
            event ->
                assertThat(event.getFormattedMessage())
                    .doesNotContain(TOKEN)
                    .doesNotContain("4917700000")
                    .doesNotContain("vaccination"));
  }

  @Test
  void shouldFailPermanentlyWithoutCallingMetaWhenRecipientIsNotE164() {
    assertThat(send(request("0151-1234")))
        .isEqualTo(new SendResult.Permanent("whatsapp:invalid_recipient"));
    assertThat(send(request("+123")))
        .isEqualTo(new SendResult.Permanent("whatsapp:invalid_recipient"));
    assertThat(whatsapp.requests()).isEmpty();
  }

  @Test
  void shouldSendTemplateWithLanguageFromMetadataWhenTemplateKeySet() {
    DeliveryRequest request =
        TestRequests.withMetadata(
            TestRequests.withTemplate(
                request("+16505551234"), "appointment_reminder", "[\"Anna\", \"10:00\"]"),
            "{\"language\":\"de\"}");

    assertThat(send(request)).isInstanceOf(SendResult.Delivered.class);

    JsonNode body = whatsapp.requests().get(0).body();
    assertThat(body.path("type").asText()).isEqualTo("template");
    assertThat(body.has("text")).isFalse();
    JsonNode template = body.path("template");
    assertThat(template.path("name").asText()).isEqualTo("appointment_reminder");
    assertThat(template.path("language").path("code").asText()).isEqualTo("de");
    assertThat(template.path("components").path(0).path("type").asText()).isEqualTo("body");
    assertThat(template.path("components").path(0).path("parameters").path(1).path("text").asText())
        .isEqualTo("10:00");
  }

  @Test
  void shouldUseConfiguredLanguageWhenMetadataNamesNone() {
    WhatsAppClient client =
        new WhatsAppClient(
            HttpClient.newHttpClient(),
            URI.create(whatsapp.baseUrl()),
            PHONE_NUMBER_ID,
            TOKEN,
            Duration.ofSeconds(5),
            "pt_BR");

    client.send(TestRequests.withTemplate(request("+16505551234"), "lab_results", null));

    assertThat(
            whatsapp
                .requests()
                .get(0)
                .body()
                .path("template")
                .path("language")
                .path("code")
                .asText())
        .isEqualTo("pt_BR");
  }

  @Test
  void shouldFailPermanentlyWithoutCallingMetaWhenTemplateIsInvalid() {
    assertThat(send(TestRequests.withTemplate(request("+16505551234"), "Bad Name!", null)))
        .isEqualTo(new SendResult.Permanent("whatsapp:invalid_template_name"));
    assertThat(send(TestRequests.withTemplate(request("+16505551234"), "ok", "[null]")))
        .isEqualTo(new SendResult.Permanent("whatsapp:invalid_template_parameters"));
    assertThat(
            send(TestRequests.withTemplate(request("+16505551234"), "ok", "{\"footer\":[\"x\"]}")))
        .isEqualTo(new SendResult.Permanent("whatsapp:invalid_template_parameters"));
    assertThat(
            send(
                TestRequests.withMetadata(
                    TestRequests.withTemplate(request("+16505551234"), "ok", null),
                    "{\"language\":\"german\"}")))
        .isEqualTo(new SendResult.Permanent("whatsapp:invalid_template_language"));
    assertThat(whatsapp.requests()).isEmpty();
  }

  @Test
  void shouldFailPermanentlyWhenMetaRejectsTemplate() {
    whatsapp.respondWith(
        FakeWhatsAppServer.error(
            400, 132001, "Template name does not exist in the translation", null));

    assertThat(send(TestRequests.withTemplate(request("+16505551234"), "gone", null)))
        .isEqualTo(new SendResult.Permanent("whatsapp:132001"));
  }
}

package org.schedmsg.sender.whatsapp.client;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.infra.sandbox.FakeWhatsAppServer;
import org.schedmsg.infra.sandbox.ReceivedRequest;
import org.schedmsg.sender.core.client.SendResult;
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

    assertThat(send(request("+1"))).isEqualTo(new SendResult.Permanent("whatsapp:131047"));
  }

  @Test
  void shouldFailPermanentlyWhenUndeliverable() {
    whatsapp.failFor("+491511", FakeWhatsAppServer.undeliverable());

    assertThat(send(request("+491511"))).isEqualTo(new SendResult.Permanent("whatsapp:131026"));
    assertThat(send(request("+491512"))).isInstanceOf(SendResult.Delivered.class);
  }

  @Test
  void shouldRetryWhenRateLimited() {
    whatsapp.respondWith(FakeWhatsAppServer.rateLimitHit(), FakeWhatsAppServer.pairRateLimitHit());

    assertThat(send(request("+1"))).isEqualTo(new SendResult.Retryable("whatsapp:130429"));
    assertThat(send(request("+1"))).isEqualTo(new SendResult.Retryable("whatsapp:131056"));
  }

  @Test
  void shouldRetryWhenServerFails() {
    whatsapp.respondWith(FakeWhatsAppServer.internalError());

    assertThat(send(request("+1"))).isEqualTo(new SendResult.Retryable("whatsapp:131000"));
  }

  @Test
  void shouldRetryAsInvalidTokenWhenTokenIsRejected() {
    assertThat(client("EAAGwrong", Duration.ofSeconds(5)).send(request("+1")))
        .isEqualTo(new SendResult.Retryable("whatsapp:190_invalid_token"));
    assertThat(whatsapp.requests()).isEmpty();

    whatsapp.respondWith(FakeWhatsAppServer.invalidToken());
    assertThat(send(request("+1")))
        .isEqualTo(new SendResult.Retryable("whatsapp:190_invalid_token"));
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

    assertThat(client.send(request("+1"))).isEqualTo(new SendResult.Retryable("connection_failed"));
  }

  @Test
  void shouldRetryAsTimeoutWhenAnswerIsSlow() {
    whatsapp.delayAllResponses(Duration.ofSeconds(30));

    assertThat(client(TOKEN, Duration.ofMillis(300)).send(request("+1")))
        .isEqualTo(new SendResult.Retryable("timeout"));
  }

  @Test
  void shouldFailPermanentlyWithoutCallingMetaWhenTextIsMissing() {
    assertThat(send(TestRequests.request(Platform.WHATSAPP, "+1", " ")))
        .isEqualTo(new SendResult.Permanent("whatsapp:no_text"));
    assertThat(whatsapp.requests()).isEmpty();
  }

  @Test
  void shouldKeepTokenTextAndRecipientOutOfLogsWhenSending() {
    Logger logger = (Logger) LoggerFactory.getLogger(WhatsAppClient.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    Level level = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    try {
      send(request("+4917700000"));
      whatsapp.respondWith(FakeWhatsAppServer.reEngagementRequired());
      send(request("+4917700000"));
      client(TOKEN, Duration.ofMillis(200)).send(request("+4917700000"));
      whatsapp.close();
      send(request("+4917700000"));
    } finally {
      logger.detachAppender(logs);
      logger.setLevel(level);
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
}

package org.schedmsg.sender.telegram.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.sandbox.ReceivedRequest;
import org.schedmsg.infra.sandbox.ScriptedResponse;
import org.schedmsg.sender.core.client.PlatformHttpClient;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.core.client.StreamingAnswerServer;
import org.schedmsg.sender.core.testing.TestRequests;
import org.slf4j.LoggerFactory;

class TelegramClientTest {
  static final String TOKEN = "123456:ABC-sandbox_token";

  private final FakeTelegramServer telegram = FakeTelegramServer.start(0, TOKEN);

  @AfterEach
  void stop() {
    telegram.close();
  }

  private TelegramClient client(String token, Duration timeout) {
    return new TelegramClient(
        HttpClient.newBuilder().connectTimeout(timeout).build(),
        URI.create(telegram.baseUrl()),
        token,
        timeout);
  }

  private SendResult send(DeliveryRequest request) {
    return client(TOKEN, Duration.ofSeconds(5)).send(request);
  }

  private static DeliveryRequest request(String chatId) {
    return TestRequests.request(Platform.TELEGRAM, chatId, "Time for your 8pm dose");
  }

  /** Telegram's success answer for a message to {@code chatId} with {@code text}. */
  private static String successBody(long chatId, String text) {
    return "{\"ok\":true,\"result\":{\"message_id\":7,\"date\":1764403200,"
        + "\"chat\":{\"id\":"
        + chatId
        + ",\"type\":\"private\"},\"text\":\""
        + text
        + "\"}}";
  }

  @Test
  void shouldReturnMessageIdWhenTelegramAccepts() {
    assertThat(send(request("1001"))).isEqualTo(new SendResult.Delivered("1"));
    assertThat(send(request("1002"))).isEqualTo(new SendResult.Delivered("2"));
  }

  @Test
  void shouldSendChatIdAndTextWhenSending() {
    send(request("987654321"));

    assertThat(telegram.requests())
        .singleElement()
        .satisfies(
            received -> {
              assertThat(received.path()).isEqualTo("/bot<token>/sendMessage");
              assertThat(received.body().get("chat_id").isIntegralNumber()).isTrue();
              assertThat(received.body().get("chat_id").asLong()).isEqualTo(987654321L);
              assertThat(received.field("text")).isEqualTo("Time for your 8pm dose");
            });
  }

  @Test
  void shouldSendChannelUsernameAsStringWhenRecipientIsNotNumeric() {
    assertThat(send(request("@clinic_reminders"))).isInstanceOf(SendResult.Delivered.class);

    ReceivedRequest received = telegram.requests().get(0);
    assertThat(received.body().get("chat_id").isTextual()).isTrue();
    assertThat(received.field("chat_id")).isEqualTo("@clinic_reminders");
  }

  @Test
  void shouldFailPermanentlyWithSlugWhenChatNotFound() {
    telegram.respondWith(FakeTelegramServer.chatNotFound());

    assertThat(send(request("1")))
        .isEqualTo(new SendResult.Permanent("telegram:400:chat_not_found"));
  }

  @Test
  void shouldFailPermanentlyWhenBotBlockedByUser() {
    telegram.failFor("42", FakeTelegramServer.botBlocked());

    assertThat(send(request("42")))
        .isEqualTo(new SendResult.Permanent("telegram:403:bot_was_blocked_by_the_user"));
    assertThat(send(request("43"))).isInstanceOf(SendResult.Delivered.class);
  }

  @Test
  void shouldPauseBotForRetryAfterWhenRateLimited() {
    telegram.respondWith(FakeTelegramServer.tooManyRequests(17));

    assertThat(send(request("1")))
        .isEqualTo(
            new SendResult.RateLimited(
                "telegram:429", SendResult.Scope.PLATFORM, Duration.ofSeconds(17)));
  }

  @Test
  void shouldBeAmbiguousWhenServerFails() {
    telegram.respondWith(FakeTelegramServer.internalServerError(), FakeTelegramServer.badGateway());

    assertThat(send(request("1"))).isEqualTo(new SendResult.Ambiguous("telegram:500"));
    assertThat(send(request("1"))).isEqualTo(new SendResult.Ambiguous("telegram:502"));
    assertThat(send(request("1"))).isInstanceOf(SendResult.Delivered.class);
  }

  @Test
  void shouldStopPlatformAsFatalWhenTokenIsRejected() {
    SendResult result = client("999:wrong", Duration.ofSeconds(5)).send(request("1"));

    assertThat(result).isEqualTo(new SendResult.Fatal("telegram:401_unauthorized"));
    assertThat(telegram.requests()).isEmpty();
  }

  @Test
  void shouldRetryAsConnectionFailedWhenPortIsClosed() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    TelegramClient client =
        new TelegramClient(
            HttpClient.newHttpClient(),
            URI.create("http://127.0.0.1:" + closedPort),
            TOKEN,
            Duration.ofSeconds(2));

    assertThat(client.send(request("1"))).isEqualTo(new SendResult.Retryable("connection_failed"));
  }

  @Test
  void shouldBeAmbiguousAsTimeoutWhenAnswerIsSlow() {
    telegram.respondWith(
        FakeTelegramServer.internalServerError().delayedBy(Duration.ofSeconds(30)));

    SendResult result = client(TOKEN, Duration.ofMillis(300)).send(request("1"));

    assertThat(result).isEqualTo(new SendResult.Ambiguous("timeout"));
    assertThat(telegram.requests()).hasSize(1);
  }

  @Test
  void shouldBeAmbiguousAsTooLargeWhenAnswerExceedsCap() {
    String huge = "x".repeat(PlatformHttpClient.MAX_RESPONSE_BYTES);
    telegram.respondWith(ScriptedResponse.json(200, successBody(1, huge)));

    assertThat(send(request("1"))).isEqualTo(new SendResult.Ambiguous("response_too_large"));
    assertThat(telegram.requests()).hasSize(1);
  }

  @Test
  void shouldEndWithinTimeoutAsAmbiguousWhenBodyDripsSlowerThanTimeout() {
    Duration timeout = Duration.ofMillis(300);
    try (StreamingAnswerServer dripping =
        StreamingAnswerServer.drip(
            200, successBody(1, "Time for your 8pm dose"), Duration.ofMillis(100))) {
      TelegramClient client =
          new TelegramClient(
              PlatformHttpClient.newHttpClient(timeout),
              URI.create(dripping.baseUrl()),
              TOKEN,
              timeout);

      CompletableFuture<SendResult> call =
          CompletableFuture.supplyAsync(() -> client.send(request("1")));

      await().atMost(timeout.multipliedBy(8)).until(call::isDone);
      assertThat(call.join()).isEqualTo(new SendResult.Ambiguous("timeout"));
      assertThat(dripping.requestCount()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(5)).until(dripping::clientHungUp);
    }
  }

  @Test
  void shouldKeepTokenTextAndChatIdOutOfLogsWhenSending() {
    List<Logger> loggers =
        List.of(
            (Logger) LoggerFactory.getLogger(TelegramClient.class),
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
      send(request("555123"));
      telegram.respondWith(FakeTelegramServer.chatNotFound());
      send(request("555123"));
      telegram.respondWith(
          ScriptedResponse.json(
              200, successBody(555123, "8pm dose".repeat(PlatformHttpClient.MAX_RESPONSE_BYTES))));
      send(request("555123"));
      client(TOKEN, Duration.ofMillis(200)).send(request("555123"));
      telegram.close();
      send(request("555123"));
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
                    .doesNotContain("555123")
                    .doesNotContain("8pm dose"));
  }

  @Test
  void shouldFailPermanentlyWithoutCallingTelegramWhenTextIsMissing() {
    DeliveryRequest noText = TestRequests.request(Platform.TELEGRAM, "1", null);

    assertThat(send(noText)).isEqualTo(new SendResult.Permanent("telegram:no_text"));
    assertThat(telegram.requests()).isEmpty();
  }

  @Test
  void shouldAnswerBadRequestWhenFakeReceivesBodyWithoutText() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    var response =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    URI.create(telegram.baseUrl() + "/bot" + TOKEN + "/sendMessage"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"chat_id\":1}"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(TelegramResponses.classify(response.statusCode(), response.body()))
        .isEqualTo(new SendResult.Permanent("telegram:400:message_text_is_empty"));
  }

  @Test
  void shouldResendToNewChatIdWhenGroupWasMigrated() {
    telegram.failFor("-100", FakeTelegramServer.migratedTo(-1001234L));

    assertThat(send(request("-100"))).isInstanceOf(SendResult.Delivered.class);
    TelegramClient client = client(TOKEN, Duration.ofSeconds(5));
    client.send(request("-100"));
    client.send(request("-100"));

    assertThat(telegram.requests())
        .extracting(r -> r.field("chat_id"))
        .containsExactly("-100", "-1001234", "-100", "-1001234", "-1001234");
  }

  @Test
  void shouldFailPermanentlyWithoutCallingTelegramWhenTextIsTooLong() {
    DeliveryRequest tooLong =
        TestRequests.request(
            Platform.TELEGRAM, "1", "x".repeat(TelegramClient.MAX_TEXT_LENGTH + 1));
    DeliveryRequest longest =
        TestRequests.request(Platform.TELEGRAM, "1", "x".repeat(TelegramClient.MAX_TEXT_LENGTH));

    assertThat(send(tooLong)).isEqualTo(new SendResult.Permanent("telegram:message_too_long"));
    assertThat(telegram.requests()).isEmpty();
    assertThat(send(longest)).isInstanceOf(SendResult.Delivered.class);
  }

  @Test
  void shouldSendOptionsAndEscapedTextWhenMetadataSetsThem() {
    DeliveryRequest request =
        TestRequests.withMetadata(
            TestRequests.request(Platform.TELEGRAM, "1", "Dose: 2.5 mg (after food)!"),
            "{\"parse_mode\":\"MarkdownV2\",\"disable_notification\":true,"
                + "\"protect_content\":true,\"on_ambiguous_outcome\":\"fail\"}");

    send(request);

    ReceivedRequest received = telegram.requests().get(0);
    assertThat(received.field("text")).isEqualTo("Dose: 2\\.5 mg \\(after food\\)\\!");
    assertThat(received.field("parse_mode")).isEqualTo("MarkdownV2");
    assertThat(received.body().get("disable_notification").asBoolean()).isTrue();
    assertThat(received.body().get("protect_content").asBoolean()).isTrue();
    assertThat(received.body().has("on_ambiguous_outcome")).isFalse();
  }

  @Test
  void shouldEscapeHtmlWhenParseModeIsHtml() {
    assertThat(TelegramMessageOptions.escape("a < b & c > d", "HTML"))
        .isEqualTo("a &lt; b &amp; c &gt; d");
  }
}

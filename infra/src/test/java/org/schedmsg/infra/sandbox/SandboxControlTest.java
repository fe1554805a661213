package org.schedmsg.infra.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A person can make the sandbox misbehave over HTTP and put it right again. */
class SandboxControlTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> post(String url, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldAnswerNamedErrorForRecipientWhenToldToFail() throws Exception {
    try (FakeTelegramServer telegram = FakeTelegramServer.start(0, "tok")) {
      String control = "http://127.0.0.1:" + telegram.port() + "/_sandbox/";
      assertThat(post(control + "fail?recipient=42&error=bot_blocked", "").statusCode())
          .isEqualTo(200);

      HttpResponse<String> blocked =
          post(telegram.baseUrl() + "/bottok/sendMessage", "{\"chat_id\":42,\"text\":\"x\"}");
      HttpResponse<String> other =
          post(telegram.baseUrl() + "/bottok/sendMessage", "{\"chat_id\":43,\"text\":\"x\"}");

      assertThat(blocked.statusCode()).isEqualTo(403);
      assertThat(blocked.body()).contains("bot was blocked by the user");
      assertThat(other.statusCode()).isEqualTo(200);
      String requests =
          http.send(
                  HttpRequest.newBuilder(URI.create(control + "requests")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(requests).contains("\"count\":2");
    }
  }

  @Test
  void shouldRejectOldTokenUntilFixedWhenTokenIsRevoked() throws Exception {
    try (FakeWhatsAppServer whatsapp = FakeWhatsAppServer.start(0, "good", "100")) {
      String control = "http://127.0.0.1:" + whatsapp.port() + "/_sandbox/";
      String send = whatsapp.baseUrl() + "/100/messages";
      String body =
          "{\"messaging_product\":\"whatsapp\",\"to\":\"4915712345678\",\"type\":\"text\","
              + "\"text\":{\"body\":\"x\"}}";
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(send))
              .header("Authorization", "Bearer good")
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body));

      post(control + "token?value=revoked", "");
      HttpResponse<String> refused =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      post(control + "token?value=good", "");
      HttpResponse<String> accepted =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());

      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).contains("\"code\":190");
      assertThat(accepted.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldListErrorNamesWhenErrorIsUnknown() throws Exception {
    try (FakeWhatsAppServer whatsapp = FakeWhatsAppServer.start(0, "good", "100")) {
      HttpResponse<String> response =
          post("http://127.0.0.1:" + whatsapp.port() + "/_sandbox/next?error=nope", "");
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).contains("re_engagement_required").contains("rate_limit");
    }
  }
}

package org.schedmsg.infra.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The fakes' switches the sender tests rely on. */
class FakePlatformServersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> post(String url, String authorization, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldTellListenerEachRequestsOwnStatusBeforeAnswering() throws Exception {
    try (FakeTelegramServer telegram = FakeTelegramServer.start(0, "1:t")) {
      List<String> heard = new CopyOnWriteArrayList<>();
      telegram.onAnswer((request, status) -> heard.add(request.field("chat_id") + "=" + status));
      telegram.failFor("2", FakeTelegramServer.botBlocked());

      int ok =
          post(telegram.baseUrl() + "/bot1:t/sendMessage", null, "{\"chat_id\":1,\"text\":\"a\"}")
              .statusCode();
      int blocked =
          post(telegram.baseUrl() + "/bot1:t/sendMessage", null, "{\"chat_id\":2,\"text\":\"b\"}")
              .statusCode();

      assertThat(ok).isEqualTo(200);
      assertThat(blocked).isEqualTo(403);
      assertThat(heard).containsExactly("1=200", "2=403");
    }
  }

  @Test
  void shouldAnswerEachConcurrentRequestWithItsOwnRecipient() throws Exception {
    try (FakeWhatsAppServer whatsapp = FakeWhatsAppServer.start(0, "tok", "1")) {
      String url = whatsapp.baseUrl() + "/1/messages";
      List<CompletableFuture<Boolean>> answers = new ArrayList<>();
      ExecutorService clients = Executors.newFixedThreadPool(8);
      for (int i = 0; i < 40; i++) {
        String to = "+1555000" + i;
        answers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    HttpResponse<String> answer =
                        post(
                            url,
                            "Bearer tok",
                            "{\"messaging_product\":\"whatsapp\",\"to\":\""
                                + to
                                + "\",\"type\":\"text\",\"text\":{\"body\":\"x\"}}");
                    return JSON.readTree(answer.body())
                        .path("contacts")
                        .path(0)
                        .path("input")
                        .asText()
                        .equals(to);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                clients));
      }

      try {
        for (CompletableFuture<Boolean> answer : answers) {
          assertThat(answer.get()).isTrue();
        }
      } finally {
        clients.shutdownNow();
      }
    }
  }

  @Test
  void shouldRejectOldTokenWhenTelegramTokenIsSwitched() throws Exception {
    try (FakeTelegramServer telegram = FakeTelegramServer.start(0, "1:old")) {
      telegram.acceptOnlyToken("1:new");
      String body = "{\"chat_id\":1,\"text\":\"hi\"}";

      assertThat(post(telegram.baseUrl() + "/bot1:old/sendMessage", null, body).statusCode())
          .isEqualTo(401);
      assertThat(post(telegram.baseUrl() + "/bot1:new/sendMessage", null, body).statusCode())
          .isEqualTo(200);
      assertThat(telegram.requests()).hasSize(1);
    }
  }

  @Test
  void shouldAnswerWithNewChatIdWhenChatWasMigrated() throws Exception {
    try (FakeTelegramServer telegram = FakeTelegramServer.start(0, "1:t")) {
      telegram.failFor("-5", FakeTelegramServer.migratedTo(-1005L));

      HttpResponse<String> answer =
          post(telegram.baseUrl() + "/bot1:t/sendMessage", null, "{\"chat_id\":-5,\"text\":\"x\"}");

      JsonNode json = JSON.readTree(answer.body());
      assertThat(answer.statusCode()).isEqualTo(400);
      assertThat(json.path("parameters").path("migrate_to_chat_id").asLong()).isEqualTo(-1005L);
    }
  }

  @Test
  void shouldRequireNameAndLanguageWhenWhatsAppTemplateIsSent() throws Exception {
    try (FakeWhatsAppServer whatsapp = FakeWhatsAppServer.start(0, "tok", "1")) {
      String url = whatsapp.baseUrl() + "/1/messages";
      String base =
          "{\"messaging_product\":\"whatsapp\",\"to\":\"+15550001\",\"type\":\"template\",";

      HttpResponse<String> noLanguage =
          post(url, "Bearer tok", base + "\"template\":{\"name\":\"t\"}}");
      HttpResponse<String> valid =
          post(
              url,
              "Bearer tok",
              base + "\"template\":{\"name\":\"t\",\"language\":{\"code\":\"en\"}}}");

      assertThat(noLanguage.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(noLanguage.body()).path("error").path("code").asInt())
          .isEqualTo(100);
      assertThat(valid.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldRejectOldTokenWhenWhatsAppTokenIsSwitched() throws Exception {
    try (FakeWhatsAppServer whatsapp = FakeWhatsAppServer.start(0, "old", "1")) {
      whatsapp.acceptOnlyToken("new");
      String body =
          "{\"messaging_product\":\"whatsapp\",\"to\":\"+15550001\",\"type\":\"text\","
              + "\"text\":{\"body\":\"hi\"}}";

      HttpResponse<String> old = post(whatsapp.baseUrl() + "/1/messages", "Bearer old", body);

      assertThat(old.statusCode()).isEqualTo(401);
      assertThat(JSON.readTree(old.body()).path("error").path("code").asInt()).isEqualTo(190);
      assertThat(post(whatsapp.baseUrl() + "/1/messages", "Bearer new", body).statusCode())
          .isEqualTo(200);
    }
  }
}

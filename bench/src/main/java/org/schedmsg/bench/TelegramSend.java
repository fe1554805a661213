package org.schedmsg.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A minimal Bot API {@code sendMessage} client for the polling peer. */
final class TelegramSend {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
  private final URI endpoint;

  TelegramSend(String baseUrl, String token) {
    this.endpoint = URI.create(baseUrl + "/bot" + token + "/sendMessage");
  }

  /** Sends one message; true on HTTP 200. */
  boolean send(String chatId, String text) throws IOException, InterruptedException {
    String body =
        "{\"chat_id\":\"" + chatId + "\",\"text\":\"" + text.replace("\"", "\\\"") + "\"}";
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
  }
}

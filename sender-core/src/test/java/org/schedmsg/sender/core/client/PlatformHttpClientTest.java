package org.schedmsg.sender.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.TraceContext;
import org.schedmsg.sender.core.testing.TestRequests;

class PlatformHttpClientTest {
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final int CAP = PlatformHttpClient.MAX_RESPONSE_BYTES;
  private static final String KEY = "PLATFORM_API_BASE_URL";

  private final DeliveryRequest request = TestRequests.request(Platform.TELEGRAM, "1", "Dose");
  private final AtomicReference<String> classified = new AtomicReference<>();
  private final List<StreamingAnswerServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(StreamingAnswerServer::close);
  }

  private StreamingAnswerServer serve(StreamingAnswerServer server) {
    servers.add(server);
    return server;
  }

  /** Posts to {@code baseUrl}; an answer read whole is Delivered with its status as id. */
  private SendResult post(String baseUrl) {
    PlatformHttpClient client =
        new PlatformHttpClient(PlatformHttpClient.newHttpClient(TIMEOUT), TIMEOUT, "test");
    return client.post(
        HttpRequest.newBuilder(URI.create(baseUrl + "/send")),
        request,
        "{\"text\":\"Dose\"}",
        (status, body) -> {
          classified.set(body);
          return new SendResult.Delivered(String.valueOf(status));
        });
  }

  /** A JSON body of exactly {@code length} bytes. */
  private static String jsonOfLength(int length) {
    return "{\"a\":\"" + "x".repeat(length - 8) + "\"}";
  }

  @Test
  void shouldReadWholeBodyWhenAnswerIsExactlyTheCap() {
    StreamingAnswerServer server = serve(StreamingAnswerServer.whole(200, jsonOfLength(CAP)));

    assertThat(post(server.baseUrl())).isEqualTo(new SendResult.Delivered("200"));
    assertThat(classified.get()).hasSize(CAP).isEqualTo(jsonOfLength(CAP));
  }

  @Test
  void shouldBeAmbiguousAsTooLargeWithoutClassifyingWhenDeclaredBodyIsOverCap() {
    StreamingAnswerServer server = serve(StreamingAnswerServer.whole(200, jsonOfLength(CAP + 1)));

    assertThat(post(server.baseUrl())).isEqualTo(new SendResult.Ambiguous("response_too_large"));
    assertThat(classified.get()).isNull();
  }

  @Test
  void shouldHangUpAfterCapAsTooLargeWhenBodyWithoutLengthNeverEnds() {
    StreamingAnswerServer server =
        serve(StreamingAnswerServer.endless(200, "{\"ok\":true,\"result\":{\"text\":\""));

    assertThat(post(server.baseUrl())).isEqualTo(new SendResult.Ambiguous("response_too_large"));
    assertThat(classified.get()).isNull();
    await().atMost(Duration.ofSeconds(10)).until(server::clientHungUp);
    assertThat(server.bytesWritten()).isLessThan(StreamingAnswerServer.ENDLESS_LIMIT);
  }

  @Test
  void shouldEndAtDeadlineAndAbortExchangeWhenBodyDripsSlowerThanTimeout() {
    String body = "{\"ok\":true,\"result\":{\"message_id\":1,\"date\":1764403200}}";
    StreamingAnswerServer server =
        serve(StreamingAnswerServer.drip(200, body, Duration.ofMillis(100)));
    long start = System.nanoTime();

    CompletableFuture<SendResult> call =
        CompletableFuture.supplyAsync(() -> post(server.baseUrl()));

    await().atMost(TIMEOUT.multipliedBy(6)).until(call::isDone);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(call.join()).isEqualTo(new SendResult.Ambiguous("timeout"));
    assertThat(took).isGreaterThanOrEqualTo(TIMEOUT);
    assertThat(classified.get()).isNull();
    await().atMost(Duration.ofSeconds(5)).until(server::clientHungUp);
    assertThat(server.bytesWritten()).isLessThan(body.length());
  }

  @Test
  void shouldBeAmbiguousAsConnectionLostWhenBodyIsCutOff() {
    StreamingAnswerServer server =
        serve(StreamingAnswerServer.cutOff(200, "{\"ok\":true,\"result\":{\"message_id\":1}}", 9));

    assertThat(post(server.baseUrl())).isEqualTo(new SendResult.Ambiguous("connection_lost"));
    assertThat(classified.get()).isNull();
  }

  @Test
  void shouldRetryAsConnectionFailedWhenPortIsClosed() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    assertThat(post("http://127.0.0.1:" + closedPort))
        .isEqualTo(new SendResult.Retryable("connection_failed"));
  }

  @Test
  void shouldSendTraceparentOfSendHopAndJsonContentTypeWhenPosting() {
    StreamingAnswerServer server = serve(StreamingAnswerServer.whole(200, "{}"));

    post(server.baseUrl());

    assertThat(server.lastRequestHeaders().getFirst("traceparent"))
        .isEqualTo(
            TraceContext.traceparent(
                request.messageId(), request.attempts(), TraceContext.Hop.SEND));
    assertThat(server.lastRequestHeaders().getFirst("Content-Type")).isEqualTo("application/json");
  }

  @Test
  void shouldThrowOnWhenFailureIsNotAnIoFailure() {
    IllegalStateException bug = new IllegalStateException("bug");

    assertThatThrownBy(() -> PlatformHttpClient.classifyFailure(bug)).isSameAs(bug);
    assertThat(PlatformHttpClient.classifyFailure(new IOException(new BoundedBody.TooLarge(1))))
        .isEqualTo(new SendResult.Ambiguous("response_too_large"));
  }

  @Test
  void shouldAcceptHttpsOrLoopbackHttpWhenBaseUrlIsChecked() {
    assertThat(PlatformHttpClient.requireSafeBaseUrl(URI.create("https://api.telegram.org/"), KEY))
        .isEqualTo(URI.create("https://api.telegram.org"));
    for (String loopback :
        List.of(
            "http://localhost:8081",
            "http://LOCALHOST:8081",
            "http://127.0.0.1:18081",
            "http://127.0.0.2",
            "http://[::1]:18082/v23.0",
            "http://[0:0:0:0:0:0:0:1]:18082/v23.0")) {
      assertThat(PlatformHttpClient.requireSafeBaseUrl(URI.create(loopback), KEY))
          .isEqualTo(URI.create(loopback));
    }
  }

  @Test
  void shouldRefuseHttpNamingKeyNotValueWhenHostIsNotLoopback() {
    for (String remote :
        List.of(
            "http://api.telegram.org",
            "http://10.0.0.5:8081",
            "http://0.0.0.0:8081",
            "http://localhost.attacker.example",
            "http://127.0.0.1.attacker.example",
            "http://[2001:db8::1]/v23.0",
            "http://128.0.0.1")) {
      assertThatThrownBy(() -> PlatformHttpClient.requireSafeBaseUrl(URI.create(remote), KEY))
          .as(remote)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(KEY)
          .hasMessageContaining("https://")
          .hasMessageNotContaining(URI.create(remote).getHost());
    }
  }

  @Test
  void shouldRefuseWhenBaseUrlIsNotHttpWithHost() {
    for (String invalid : List.of("ftp://files.example", "api.telegram.org", "file:/etc/passwd")) {
      assertThatThrownBy(() -> PlatformHttpClient.requireSafeBaseUrl(URI.create(invalid), KEY))
          .as(invalid)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(KEY);
    }
    assertThatThrownBy(() -> PlatformHttpClient.requireSafeBaseUrl(null, KEY))
        .hasMessageContaining(KEY);
  }
}

package org.schedmsg.observability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client against a real {@link OpsServer}, with a time bound on every request. */
final class Probe {
  /** What "promptly" means in these tests: a Kubernetes probe waits 1 s by default. */
  static final Duration PROMPT = Duration.ofSeconds(2);

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(PROMPT).build();

  HttpResponse<String> get(OpsServer ops, String path) throws IOException, InterruptedException {
    return send(ops, "GET", path, PROMPT);
  }

  HttpResponse<String> send(OpsServer ops, String method, String path, Duration timeout)
      throws IOException, InterruptedException {
    return send(InetAddress.getLoopbackAddress(), ops.port(), method, path, timeout);
  }

  HttpResponse<String> send(
      InetAddress host, int port, String method, String path, Duration timeout)
      throws IOException, InterruptedException {
    URI uri = URI.create("http://" + literal(host) + ":" + port + path);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** A server on the loopback address with the given time bounds. */
  static OpsConfig loopback(Duration checkTimeout, Duration exchangeTimeout) {
    return new OpsConfig(
        0,
        InetAddress.getLoopbackAddress(),
        checkTimeout,
        exchangeTimeout,
        OpsConfig.DEFAULT_DEPENDENCY_INTERVAL);
  }

  private static String literal(InetAddress host) {
    String address = host.getHostAddress();
    return address.contains(":") ? "[" + address + "]" : address;
  }
}

package org.schedmsg.infra.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery both fake platforms share: a loopback HTTP server, the record of accepted requests,
 * and the script of answers (a queue of one-shot answers, then per-recipient rules, then success).
 * Subclasses speak one platform's paths, credentials and body formats.
 *
 * <p>Logs method, redacted path and status only, never bodies.
 */
abstract class FakePlatformServer implements AutoCloseable {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(FakePlatformServer.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Clock clock;
  private final Queue<ScriptedResponse> script = new ConcurrentLinkedQueue<>();
  private final Map<String, ScriptedResponse> recipientRules = new ConcurrentHashMap<>();

  /** Appended once per request: a copy-on-write list would make a million requests quadratic. */
  private final List<ReceivedRequest> received = Collections.synchronizedList(new ArrayList<>());

  private volatile Duration delay = Duration.ZERO;
  private volatile AnswerListener answerListener = (request, status) -> {};

  /**
   * Told about each accepted request's answer just before it is written, on the thread that
   * answers: whoever listens sees the platform's decision before the client does.
   */
  @FunctionalInterface
  public interface AnswerListener {
    void answering(ReceivedRequest request, int status);
  }

  FakePlatformServer(int port, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a fake platform on port " + port, e);
    }
    executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, getClass().getSimpleName());
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    SandboxControl control = new SandboxControl(this, namedErrors());
    server.createContext(SandboxControl.PREFIX, control::handle);
    server.start();
  }

  /** The base URL a client is configured with. */
  public abstract String baseUrl();

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://<loopback address>:<port>}. */
  String origin() {
    InetAddress address = server.getAddress().getAddress();
    String host = address.getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
  }

  /** Answers the next requests with {@code responses}, in order, before any other rule. */
  public void respondWith(ScriptedResponse... responses) {
    script.addAll(List.of(responses));
  }

  /** Answers every request to {@code recipientId} with {@code response} until {@link #reset()}. */
  public void failFor(String recipientId, ScriptedResponse response) {
    recipientRules.put(
        Objects.requireNonNull(recipientId, "recipientId"),
        Objects.requireNonNull(response, "response"));
  }

  /** Calls {@code listener} with every accepted request's status just before answering it. */
  public void onAnswer(AnswerListener listener) {
    this.answerListener = Objects.requireNonNull(listener, "listener");
  }

  /** Waits {@code wait} before every answer (on top of a scripted answer's own delay). */
  public void delayAllResponses(Duration wait) {
    this.delay = Objects.requireNonNull(wait, "wait");
  }

  /** Every accepted request so far, oldest first (a copy). */
  public List<ReceivedRequest> requests() {
    return List.copyOf(received);
  }

  /** How many requests were accepted so far, without copying them. */
  public int requestCount() {
    return received.size();
  }

  /** Forgets received requests, scripted answers, rules and delays. */
  public void reset() {
    received.clear();
    script.clear();
    recipientRules.clear();
    delay = Duration.ZERO;
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  /** Status callbacks of messages to {@code recipient} report failure {@code code}. */
  public void failReceiptsFor(String recipient, int code) {
    throw new IllegalArgumentException("this platform sends no delivery receipts");
  }

  /** Accepts only {@code token} from now on (a revoked token, later fixed). */
  public abstract void acceptOnlyToken(String token);

  /** The platform's real error responses by name, for the sandbox control API. */
  abstract Map<String, Supplier<ScriptedResponse>> namedErrors();

  /** An answer when the credentials or path are wrong, or null to accept the request. */
  abstract ScriptedResponse rejectRequest(HttpExchange exchange);

  /** The request path with credentials replaced by a placeholder. */
  abstract String redactedPath(HttpExchange exchange);

  /** A 400 answer when {@code body} lacks the method's required fields, or null when valid. */
  abstract ScriptedResponse validate(JsonNode body);

  /** The answer to a body that is not JSON. */
  abstract ScriptedResponse malformedBody();

  /** The recipient id in a valid {@code body}. */
  abstract String recipientOf(JsonNode body);

  /** The platform's success body for a valid {@code body}, with a fresh message id. */
  abstract String successBody(JsonNode body);

  Clock clock() {
    return clock;
  }

  private void handle(HttpExchange exchange) {
    String path = redactedPath(exchange);
    try {
      // the request's own state: HttpExchange attributes are shared by the whole context in
      // the JDK's server, so concurrent requests must not pass their body through them
      ReceivedRequest[] accepted = new ReceivedRequest[1];
      ScriptedResponse answer = answer(exchange, path, accepted);
      String body = answer.isSuccess() ? successBody(accepted[0].body()) : answer.body();
      waitBefore(answer);
      if (accepted[0] != null) {
        answerListener.answering(accepted[0], answer.status());
      }
      write(exchange, answer, body);
      LOG.debug("{} {} -> {}", exchange.getRequestMethod(), path, answer.status());
    } catch (IOException | RuntimeException e) {
      LOG.debug(
          "{} {} answer not delivered ({})",
          exchange.getRequestMethod(),
          path,
          e.getClass().getSimpleName());
    } finally {
      exchange.close();
    }
  }

  private ScriptedResponse answer(HttpExchange exchange, String path, ReceivedRequest[] accepted)
      throws IOException {
    ScriptedResponse rejection = rejectRequest(exchange);
    if (rejection != null) {
      return rejection;
    }
    JsonNode body = parse(exchange);
    if (body == null) {
      return malformedBody();
    }
    ReceivedRequest request =
        new ReceivedRequest(
            path, body, clock.instant(), exchange.getRequestHeaders().getFirst("traceparent"));
    received.add(request);
    accepted[0] = request;
    ScriptedResponse invalid = validate(body);
    if (invalid != null) {
      return invalid;
    }
    ScriptedResponse scripted = script.poll();
    if (scripted != null) {
      return scripted;
    }
    ScriptedResponse rule = recipientRules.get(recipientOf(body));
    return rule != null ? rule : ScriptedResponse.success();
  }

  private static JsonNode parse(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      JsonNode body = MAPPER.readTree(in);
      return body != null && body.isObject() ? body : null;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      return null;
    }
  }

  private void waitBefore(ScriptedResponse answer) {
    long millis = answer.delay().plus(delay).toMillis();
    if (millis <= 0) {
      return;
    }
    try {
      closed.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void write(HttpExchange exchange, ScriptedResponse answer, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", answer.contentType() + "; charset=utf-8");
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}

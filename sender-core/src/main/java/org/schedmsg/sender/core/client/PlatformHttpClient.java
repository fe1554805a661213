package org.schedmsg.sender.core.client;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.schedmsg.contracts.DeliveryHeaders;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.TraceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP part every {@link PlatformClient} shares: one JSON {@code POST} per message over {@code
 * java.net.http}, with the platform rules of the sender-core README ("Platform HTTP"):
 *
 * <ul>
 *   <li>the {@code traceparent} of the message's send hop and {@code Content-Type:
 *       application/json};
 *   <li>one deadline, {@code timeout}, for the <em>whole</em> exchange: connect, request, headers
 *       and body. A body that drips slower ends the call at the deadline, and the exchange is
 *       cancelled (its connection closed), so no thread waits on it;
 *   <li>at most {@link #MAX_RESPONSE_BYTES} of body read; a longer one ends the call without the
 *       rest being read;
 *   <li>I/O failures classified: nothing reached the platform ({@code connection_failed}) is
 *       Retryable; once the request may have left ({@code timeout}, {@code connection_lost}, {@code
 *       response_too_large}, {@code interrupted}) the platform may have accepted it, so it is
 *       Ambiguous, never Retryable, whatever the status;
 *   <li>{@link #requireSafeBaseUrl}: base URLs are {@code https}, {@code http} only for a loopback
 *       host;
 *   <li>no redirects are followed.
 * </ul>
 *
 * <p>Logs carry the call's name, message id, HTTP status, reason and exception class only: never
 * the URL (the Telegram token is in its path), headers, bodies or exception messages.
 */
public final class PlatformHttpClient {
  /** The most of an answer's body read: the platforms' answers are well under 4 KiB. */
  public static final int MAX_RESPONSE_BYTES = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(PlatformHttpClient.class);

  /** Classifies an answer that was read whole: HTTP status and body (JSON or not). */
  @FunctionalInterface
  public interface AnswerClassifier {
    SendResult classify(int status, String body);
  }

  private final HttpClient http;
  private final Duration timeout;
  private final String call;

  /**
   * @param http the connection pool (see {@link #newHttpClient})
   * @param timeout the deadline of each whole exchange
   * @param call the platform call's name in logs, e.g. {@code sendMessage}
   */
  public PlatformHttpClient(HttpClient http, Duration timeout, String call) {
    this.http = Objects.requireNonNull(http, "http");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.call = Objects.requireNonNull(call, "call");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
  }

  /** An {@link HttpClient} that connects within {@code timeout} and never follows redirects. */
  public static HttpClient newHttpClient(Duration timeout) {
    return HttpClient.newBuilder()
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * Posts {@code json} to {@code target} (URI and the platform's own headers, such as {@code
   * Authorization}) for {@code request}; the answer, read whole within the deadline and the size
   * cap, is classified by {@code classifier}, every failure here.
   */
  public SendResult post(
      HttpRequest.Builder target,
      DeliveryRequest request,
      String json,
      AnswerClassifier classifier) {
    HttpRequest httpRequest =
        target
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header(
                DeliveryHeaders.TRACEPARENT,
                TraceContext.traceparent(
                    request.messageId(), request.attempts(), TraceContext.Hop.SEND))
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    CompletableFuture<HttpResponse<String>> exchange =
        http.sendAsync(httpRequest, new BoundedBody(MAX_RESPONSE_BYTES));
    HttpResponse<String> response;
    try {
      response = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      return failed(request, e, new SendResult.Ambiguous("timeout"));
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      return failed(request, e, new SendResult.Ambiguous("interrupted"));
    } catch (ExecutionException e) {
      return failed(request, e.getCause(), classifyFailure(e.getCause()));
    }
    LOG.debug("{} messageId={} status={}", call, request.messageId(), response.statusCode());
    return classifier.classify(response.statusCode(), response.body());
  }

  /**
   * The class of an exchange that failed with {@code failure}. Anything not an I/O failure is a bug
   * and is thrown on (the sender records {@code client_error:<class>}).
   */
  static SendResult classifyFailure(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof BoundedBody.TooLarge) {
        return new SendResult.Ambiguous("response_too_large");
      }
      if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
        return new SendResult.Retryable("connection_failed");
      }
      if (cause instanceof HttpTimeoutException) {
        return new SendResult.Ambiguous("timeout");
      }
    }
    if (failure instanceof RuntimeException) {
      throw (RuntimeException) failure;
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    return new SendResult.Ambiguous("connection_lost");
  }

  private SendResult failed(DeliveryRequest request, Throwable failure, SendResult result) {
    LOG.debug(
        "{} messageId={} failed: {} ({})",
        call,
        request.messageId(),
        result,
        failure == null ? "-" : failure.getClass().getSimpleName());
    return result;
  }

  /**
   * {@code url} without a trailing slash, if it may carry a platform's credentials: an absolute
   * {@code https} URL, or {@code http} to a loopback host ({@code localhost}, {@code 127.0.0.0/8},
   * {@code [::1]}: the local sandbox and tests). Else an {@link IllegalArgumentException} that
   * names {@code key} and never the value.
   */
  public static URI requireSafeBaseUrl(URI url, String key) {
    if (url == null || !url.isAbsolute() || url.getHost() == null) {
      throw new IllegalArgumentException(key + " must be an https:// URL with a host");
    }
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    boolean safe = "https".equals(scheme) || ("http".equals(scheme) && isLoopback(url.getHost()));
    if (!safe) {
      throw new IllegalArgumentException(
          key
              + " must be an https:// URL (http:// only for localhost, 127.0.0.1 or [::1]):"
              + " the credentials in each request must not cross a network unencrypted;"
              + " the sender does not start");
    }
    String text = url.toString();
    return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : url;
  }

  /** {@code localhost}, or a loopback address literal ({@code 127.x.x.x}, {@code [::1]}). */
  static boolean isLoopback(String host) {
    if ("localhost".equalsIgnoreCase(host)) {
      return true;
    }
    if (host.matches("127(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}")) {
      return true;
    }
    if (!host.startsWith("[")) {
      return false; // a name: never looked up
    }
    try {
      // a bracketed literal is parsed, never looked up; an invalid one throws
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}

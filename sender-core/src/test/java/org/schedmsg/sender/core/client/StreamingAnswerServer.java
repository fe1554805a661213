package org.schedmsg.sender.core.client;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP server for the answers the sandbox platforms never give: the status line and
 * headers at once, then a body that drips slower than any client timeout, a body without end, or a
 * body cut off before its declared length. The platform tests give it the platform's own body
 * formats. It records whether the client hung up before the body was written whole.
 *
 * <p>Its pauses between bytes wait on its own closing, so closing it ends them at once.
 */
public final class StreamingAnswerServer implements AutoCloseable {
  /** The most an endless body writes before giving up on the client. */
  static final long ENDLESS_LIMIT = 1L << 30;

  private interface BodyWriter {
    void write(HttpExchange exchange, StreamingAnswerServer server) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(daemon());
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicBoolean clientHungUp = new AtomicBoolean();
  private final AtomicLong bytesWritten = new AtomicLong();
  private volatile Headers lastRequestHeaders = new Headers();

  private StreamingAnswerServer(BodyWriter writer) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a local answer server", e);
    }
    server.setExecutor(executor);
    server.createContext("/", exchange -> handle(exchange, writer));
    server.start();
  }

  /** Answers {@code status} with {@code body} whole, {@code Content-Length} declared. */
  public static StreamingAnswerServer whole(int status, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return new StreamingAnswerServer(
        (exchange, server) -> {
          exchange.sendResponseHeaders(status, bytes.length);
          server.write(exchange.getResponseBody(), bytes);
        });
  }

  /**
   * Answers {@code status} with {@code Content-Length} of {@code body} at once, then writes {@code
   * body} one byte every {@code perByte}.
   */
  public static StreamingAnswerServer drip(int status, String body, Duration perByte) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return new StreamingAnswerServer(
        (exchange, server) -> {
          exchange.sendResponseHeaders(status, bytes.length);
          OutputStream out = exchange.getResponseBody();
          for (int i = 0; i < bytes.length && !server.pause(perByte); i++) {
            server.write(out, Arrays.copyOfRange(bytes, i, i + 1));
          }
        });
  }

  /**
   * Answers {@code status} without a length (chunked) and writes {@code prefix}, then spaces
   * without end (up to {@link #ENDLESS_LIMIT}) as fast as the client reads.
   */
  public static StreamingAnswerServer endless(int status, String prefix) {
    byte[] spaces = new byte[8192];
    Arrays.fill(spaces, (byte) ' ');
    return new StreamingAnswerServer(
        (exchange, server) -> {
          exchange.sendResponseHeaders(status, 0);
          OutputStream out = exchange.getResponseBody();
          server.write(out, prefix.getBytes(StandardCharsets.UTF_8));
          while (server.bytesWritten() < ENDLESS_LIMIT && server.closed.getCount() > 0) {
            server.write(out, spaces);
          }
        });
  }

  /**
   * Declares the length of {@code body} but writes only its first {@code sent} bytes, then closes
   * the connection.
   */
  public static StreamingAnswerServer cutOff(int status, String body, int sent) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return new StreamingAnswerServer(
        (exchange, server) -> {
          exchange.sendResponseHeaders(status, bytes.length);
          server.write(exchange.getResponseBody(), Arrays.copyOf(bytes, sent));
        });
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public int requestCount() {
    return requests.get();
  }

  /** True once a write failed because the client closed the connection. */
  public boolean clientHungUp() {
    return clientHungUp.get();
  }

  /** Body bytes written to clients so far. */
  public long bytesWritten() {
    return bytesWritten.get();
  }

  /** The headers of the latest request. */
  public Headers lastRequestHeaders() {
    return lastRequestHeaders;
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange, BodyWriter writer) {
    try (InputStream in = exchange.getRequestBody()) {
      in.readAllBytes();
      lastRequestHeaders = exchange.getRequestHeaders();
      requests.incrementAndGet();
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      writer.write(exchange, this);
    } catch (IOException e) {
      clientHungUp.set(true);
    } finally {
      exchange.close();
    }
  }

  private void write(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    bytesWritten.addAndGet(bytes.length);
  }

  /** Waits {@code wait}, or less when the server closes; true when it closed. */
  private boolean pause(Duration wait) {
    try {
      return closed.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private static ThreadFactory daemon() {
    return runnable -> {
      Thread thread = new Thread(runnable, "streaming-answer-server");
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public String toString() {
    return "StreamingAnswerServer{" + baseUrl() + '}';
  }
}

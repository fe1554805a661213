package org.schedmsg.sender.core.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads at most {@code maxBytes} of an answer's body, as UTF-8 text (the platforms answer JSON,
 * which is UTF-8). A longer body, declared by {@code Content-Length} or found while reading, fails
 * the exchange with {@link TooLarge} and cancels the rest of it: nothing past the cap is buffered,
 * and the connection is closed instead of drained.
 */
final class BoundedBody implements HttpResponse.BodyHandler<String> {
  private final int maxBytes;

  BoundedBody(int maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    this.maxBytes = maxBytes;
  }

  @Override
  public BodySubscriber<String> apply(ResponseInfo info) {
    return new Subscriber(maxBytes, declaredLength(info) > maxBytes);
  }

  private static long declaredLength(ResponseInfo info) {
    try {
      OptionalLong length = info.headers().firstValueAsLong("Content-Length");
      return length.orElse(-1);
    } catch (NumberFormatException e) {
      return -1; // not a number: counted while reading instead
    }
  }

  /** The answer's body is longer than the cap; the exchange was abandoned. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(int maxBytes) {
      super("response body longer than " + maxBytes + " bytes");
    }
  }

  /** Collects the body one request at a time, so the cap is checked before anything is kept. */
  private static final class Subscriber implements BodySubscriber<String> {
    private final CompletableFuture<String> body = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    private final int maxBytes;
    private final boolean declaredTooLarge;
    private Flow.Subscription subscription;
    private boolean done;

    Subscriber(int maxBytes, boolean declaredTooLarge) {
      this.maxBytes = maxBytes;
      this.declaredTooLarge = declaredTooLarge;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (declaredTooLarge) {
        tooLarge();
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (done) {
        return;
      }
      for (ByteBuffer item : items) {
        if (item.remaining() > maxBytes - bytes.size()) {
          tooLarge();
          return;
        }
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable failure) {
      done = true;
      body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      if (!done) {
        done = true;
        body.complete(bytes.toString(StandardCharsets.UTF_8));
      }
    }

    @Override
    public CompletionStage<String> getBody() {
      return body;
    }

    private void tooLarge() {
      done = true;
      subscription.cancel();
      body.completeExceptionally(new TooLarge(maxBytes));
    }
  }
}

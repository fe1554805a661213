package org.schedmsg.contracts.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The exit code of each way a run ends ({@link ServiceExit#exitCode}); signals: ProcessTest. */
class ServiceExitTest {
  private final ServiceExit exit = new ServiceExit("test-service");
  private final AtomicInteger closes = new AtomicInteger();
  private final AtomicReference<String> failure = new AtomicReference<>();

  @Test
  void shouldReturnTwoWithoutStartingWhenConfigurationIsInvalid() {
    Env env = new Env(Map.of("TEST_PORT", "eighty"));
    AtomicInteger starts = new AtomicInteger();

    int code =
        exit.exitCode(
            () -> env.integer("TEST_PORT", 80),
            port -> {
              starts.incrementAndGet();
              return running(false);
            });

    assertThat(code).isEqualTo(ServiceExit.INVALID_CONFIGURATION).isEqualTo(2);
    assertThat(starts).hasValue(0);
  }

  @Test
  void shouldReturnOneWhenStartThrows() {
    int code =
        exit.exitCode(
            () -> "config",
            config -> {
              throw new IllegalStateException("PostgreSQL unreachable");
            });

    assertThat(code).isEqualTo(ServiceExit.FAILED).isEqualTo(1);
  }

  @Test
  void shouldReturnOneWhenStartThrowsIllegalArgumentException() {
    // only the configuration's IllegalArgumentException means a bad setting
    int code =
        exit.exitCode(
            () -> "config",
            config -> {
              throw new IllegalArgumentException("a library refused an argument");
            });

    assertThat(code).isEqualTo(ServiceExit.FAILED);
  }

  @Test
  void shouldCloseAndReturnZeroWhenStopIsRequested() throws Exception {
    CompletableFuture<Integer> code =
        CompletableFuture.supplyAsync(() -> exit.exitCode(() -> "config", c -> running(false)));

    exit.requestStop("received SIGTERM");

    assertThat(code.get(10, TimeUnit.SECONDS)).isEqualTo(ServiceExit.STOPPED).isZero();
    assertThat(closes).hasValue(1);
  }

  @Test
  void shouldCloseAndReturnZeroWhenStopWasRequestedDuringStart() {
    int code =
        exit.exitCode(
            () -> "config",
            c -> {
              exit.requestStop("received SIGTERM");
              return running(false);
            });

    assertThat(code).isEqualTo(ServiceExit.STOPPED);
    assertThat(closes).hasValue(1);
  }

  @Test
  void shouldCloseAndReturnOneWhenServiceFailsByItself() {
    failure.set("streams_failed");

    int code = exit.exitCode(() -> "config", c -> running(false));

    assertThat(code).isEqualTo(ServiceExit.FAILED);
    assertThat(closes).hasValue(1);
  }

  @Test
  void shouldReturnOneWhenCloseFails() {
    exit.requestStop("received SIGTERM");

    int code = exit.exitCode(() -> "config", c -> running(true));

    assertThat(code).isEqualTo(ServiceExit.FAILED);
    assertThat(closes).hasValue(1);
  }

  private ServiceExit.Running running(boolean closeFails) {
    return new ServiceExit.Running() {
      @Override
      public String failure() {
        return failure.get();
      }

      @Override
      public void close() {
        closes.incrementAndGet();
        if (closeFails) {
          throw new IllegalStateException("could not stop");
        }
      }
    };
  }
}

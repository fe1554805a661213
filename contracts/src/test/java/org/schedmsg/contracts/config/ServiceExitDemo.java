package org.schedmsg.contracts.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service for {@link ServiceExitProcessTest}: its {@code main} runs through {@link ServiceExit}
 * in the way the argument says, reading {@code DEMO_PORT} from the environment as a config does.
 */
public final class ServiceExitDemo {
  private static final Logger log = LoggerFactory.getLogger(ServiceExitDemo.class);

  private ServiceExitDemo() {}

  public static void main(String[] args) {
    String mode = args[0];
    ServiceExit.run(
        "demo",
        () -> Env.system().integer("DEMO_PORT", 8080),
        port -> {
          if (mode.equals("start-fails")) {
            throw new IllegalStateException("dependency unreachable");
          }
          long started = System.nanoTime();
          log.info("demo running on port {}", port);
          return new ServiceExit.Running() {
            @Override
            public String failure() {
              boolean failed =
                  mode.equals("fails-later") && System.nanoTime() - started > 200_000_000L;
              return failed ? "demo broke" : null;
            }

            @Override
            public void close() {
              log.info("demo closed");
              if (mode.equals("close-fails")) {
                throw new IllegalStateException("demo could not flush");
              }
            }
          };
        });
  }
}

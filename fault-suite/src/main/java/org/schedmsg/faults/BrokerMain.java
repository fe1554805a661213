package org.schedmsg.faults;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.schedmsg.infra.kafka.LocalKafka;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka broker as an OS process of its own, so that the suite can stop, kill and restart it on
 * the same port and data directory: {@code BrokerMain <port> <dataDir>} runs {@link LocalKafka}
 * until the process is terminated (SIGTERM stops it cleanly through a shutdown hook).
 */
public final class BrokerMain {
  private static final Logger log = LoggerFactory.getLogger(BrokerMain.class);

  private BrokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      log.error("usage: BrokerMain <port> <dataDir>");
      System.exit(2);
    }
    LocalKafka kafka = LocalKafka.start(Integer.parseInt(args[0]), Path.of(args[1]));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kafka.close();
                  stopped.countDown();
                },
                "broker-shutdown"));
    log.info("broker ready on {}", kafka.bootstrapServers());
    stopped.await();
  }
}

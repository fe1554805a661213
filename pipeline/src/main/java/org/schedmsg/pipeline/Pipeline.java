package org.schedmsg.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.schedmsg.cdc.CdcIngestorService;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.pipeline.config.PipelineConfig;
import org.schedmsg.scheduler.SchedulerService;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.sender.core.SenderService;
import org.schedmsg.sender.telegram.client.TelegramClient;
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;
import org.schedmsg.sender.whatsapp.client.WhatsAppClient;
import org.schedmsg.sender.whatsapp.config.WhatsAppSenderConfig;
import org.schedmsg.sender.whatsapp.config.WhatsAppWebhookConfig;
import org.schedmsg.sender.whatsapp.webhook.ReceiptWebhookService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The four services in one JVM, each built from its own typed config exactly as its {@code App}
 * builds it: the scheduler and the senders first (so nothing waits for a consumer), the CDC
 * ingestor last. Stops in reverse order.
 */
public final class Pipeline implements AutoCloseable {
  /** How long {@link #awaitRunning()} waits for every service. */
  public static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
  private static final Duration CHECK_INTERVAL = Duration.ofMillis(200);

  private final Deque<AutoCloseable> services = new ArrayDeque<>();
  private final List<SenderService> senders = new ArrayList<>();
  private SchedulerService scheduler;
  private CdcIngestorService ingestor;
  private ReceiptWebhookService receipts;

  private Pipeline() {}

  public static Pipeline start(PipelineConfig config, MeterRegistry registry) {
    return start(config, Clock.systemUTC(), registry);
  }

  /**
   * Starts the services, all registering their meters in {@code registry}; on failure stops those
   * already started and rethrows.
   */
  public static Pipeline start(PipelineConfig config, Clock clock, MeterRegistry registry) {
    Pipeline pipeline = new Pipeline();
    try {
      pipeline.startAll(config, clock, registry);
      return pipeline;
    } catch (RuntimeException e) {
      pipeline.close();
      throw e;
    }
  }

  private void startAll(PipelineConfig config, Clock clock, MeterRegistry registry) {
    var senderEnv = config.envFor(config.senderLogin());
    scheduler = remember(SchedulerService.start(SchedulerConfig.fromEnv(senderEnv), registry));
    TelegramSenderConfig telegram = TelegramSenderConfig.fromEnv(senderEnv);
    senders.add(
        remember(
            SenderService.start(
                telegram.core(), TelegramClient.create(telegram), clock, registry)));
    WhatsAppSenderConfig whatsapp = WhatsAppSenderConfig.fromEnv(senderEnv);
    senders.add(
        remember(
            SenderService.start(
                whatsapp.core(), WhatsAppClient.create(whatsapp), clock, registry)));
    WhatsAppWebhookConfig webhook = WhatsAppWebhookConfig.fromEnv(senderEnv);
    if (webhook.enabled()) {
      receipts = remember(ReceiptWebhookService.start(whatsapp.core(), webhook, clock, registry));
    }
    ingestor =
        remember(
            CdcIngestorService.start(
                CdcIngestorConfig.fromEnv(config.envFor(config.ingestorLogin())), registry));
  }

  /** The port of the WhatsApp receipt webhook, if it runs (an app secret is configured). */
  public Optional<Integer> whatsAppWebhookPort() {
    return Optional.ofNullable(receipts).map(ReceiptWebhookService::port);
  }

  /**
   * Health of every service, for one {@code /health/ready} and {@code /health/live}: the ingestor's
   * checks with its {@code database} and {@code kafka} probes (one PostgreSQL and one cluster serve
   * every service here, so they are probed once), the scheduler's and each sender's own checks.
   */
  public OpsServer withChecks(OpsServer ops) {
    ingestor.withChecks(ops);
    ops.withLivenessCheck("scheduler", scheduler::livenessProblem)
        .withCheck("scheduler", scheduler::readinessProblem);
    for (SenderService sender : senders) {
      String id = sender.config().platform().id();
      ops.withLivenessCheck(id, sender::livenessProblem).withCheck(id, sender::readinessProblem);
    }
    return ops;
  }

  private <T extends AutoCloseable> T remember(T service) {
    services.push(service);
    return service;
  }

  /**
   * Waits until the CDC engine streams and the scheduler runs, so a row written from now on flows
   * through.
   *
   * @throws IllegalStateException if a service failed or did not start in time
   */
  public void awaitRunning() {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    ingestor.awaitStreaming(START_TIMEOUT);
    while (!scheduler.isRunning()) {
      failure()
          .ifPresent(
              f -> {
                throw new IllegalStateException("a service failed during start-up", f);
              });
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("the scheduler is not running after " + START_TIMEOUT);
      }
      pause();
    }
    log.info("pipeline running");
  }

  /** Why a service stopped by itself, if one did. */
  public Optional<Throwable> failure() {
    return ingestor == null ? Optional.empty() : ingestor.failure();
  }

  /** Blocks until a service fails (returns) or the thread is interrupted. */
  public void awaitFailure() {
    while (failure().isEmpty() && !Thread.currentThread().isInterrupted()) {
      pause();
    }
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(CHECK_INTERVAL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    while (!services.isEmpty()) {
      AutoCloseable service = services.pop();
      try {
        service.close();
      } catch (Exception e) {
        log.warn(
            "stopping {} failed; continuing with the rest", service.getClass().getSimpleName(), e);
      }
    }
  }
}

package org.schedmsg.sender.whatsapp.webhook;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.schedmsg.contracts.Topics;
import org.schedmsg.sender.core.config.SenderConfig;
import org.schedmsg.sender.whatsapp.config.WhatsAppWebhookConfig;
import org.schedmsg.sender.whatsapp.receipt.JdbcReceiptRepository;
import org.schedmsg.sender.whatsapp.receipt.ReceiptPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery-receipt webhook of the WhatsApp sender: an HTTP server on {@code
 * WHATSAPP_WEBHOOK_PORT} serving {@value WhatsAppWebhookConfig#PATH}, with its own small connection
 * pool (the sender role) and a producer for the receipts topic. Put TLS in front of it (Meta calls
 * only https URLs).
 */
public final class ReceiptWebhookService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReceiptWebhookService.class);
  private static final int THREADS = 4;

  private final HikariDataSource dataSource;
  private final ReceiptPublisher publisher;
  private final ExecutorService executor;
  private final HttpServer server;
  private final WebhookMetrics metrics;

  private ReceiptWebhookService(
      SenderConfig core, WhatsAppWebhookConfig config, Clock clock, MeterRegistry registry) {
    dataSource = dataSource(core);
    publisher =
        new ReceiptPublisher(
            core.bootstrapServers(),
            core.kafkaClient(),
            Topics.of(core.topicNamespace()).receipts());
    metrics = new WebhookMetrics(registry);
    StatusNotificationHandler notifications =
        new StatusNotificationHandler(
            new JdbcReceiptRepository(dataSource), publisher, metrics, clock);
    WebhookHandler handler =
        new WebhookHandler(
            new SignatureVerifier(config.appSecret()),
            config.verifyToken(),
            notifications,
            metrics);
    executor = Executors.newFixedThreadPool(THREADS, r -> new Thread(r, "whatsapp-webhook"));
    try {
      server = HttpServer.create(new InetSocketAddress(config.port()), 0);
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(
          "cannot listen on " + WhatsAppWebhookConfig.WHATSAPP_WEBHOOK_PORT, e);
    }
    server.setExecutor(executor);
    server.createContext(WhatsAppWebhookConfig.PATH, handler);
    server.start();
    LOG.info(
        "WhatsApp receipt webhook listening on port {} at {}", port(), WhatsAppWebhookConfig.PATH);
  }

  /** Starts the webhook; {@code config} must be {@link WhatsAppWebhookConfig#enabled()}. */
  public static ReceiptWebhookService start(
      SenderConfig core, WhatsAppWebhookConfig config, Clock clock, MeterRegistry registry) {
    if (!config.enabled()) {
      throw new IllegalArgumentException(
          "the webhook needs " + WhatsAppWebhookConfig.WHATSAPP_APP_SECRET);
    }
    return new ReceiptWebhookService(core, config, clock, registry);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Receipts counted with {@code result} (applied, stale, unknown) so far. */
  public double receiptCount(org.schedmsg.sender.whatsapp.receipt.ReceiptRepository.Result result) {
    return metrics.receipts(result);
  }

  private static HikariDataSource dataSource(SenderConfig core) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("whatsapp-webhook");
    hikari.setJdbcUrl(core.databaseUrl());
    hikari.setUsername(core.databaseUser());
    hikari.setPassword(core.databasePassword());
    hikari.setMaximumPoolSize(THREADS);
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(5_000);
    // server error details can quote row values (patient data): keep them out of exceptions
    hikari.addDataSourceProperty("logServerErrorDetail", "false");
    hikari.addDataSourceProperty("ApplicationName", "schedmsg-whatsapp-webhook");
    return new HikariDataSource(hikari);
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(1);
    }
    executor.shutdownNow();
    publisher.close();
    dataSource.close();
  }
}

package org.schedmsg.sender.whatsapp;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.sender.core.SenderService;
import org.schedmsg.sender.whatsapp.client.WhatsAppClient;
import org.schedmsg.sender.whatsapp.config.WhatsAppSenderConfig;
import org.schedmsg.sender.whatsapp.config.WhatsAppWebhookConfig;
import org.schedmsg.sender.whatsapp.webhook.ReceiptWebhookService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the WhatsApp sender, and its delivery-receipt webhook when an app secret is configured,
 * until the JVM is asked to stop. The only place that wires them.
 */
public final class App {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  private App() {}

  public static void main(String[] args) {
    Env env = Env.system();
    WhatsAppSenderConfig config;
    WhatsAppWebhookConfig webhook;
    OpsConfig ops;
    try {
      config = WhatsAppSenderConfig.fromEnv(env);
      webhook = WhatsAppWebhookConfig.fromEnv(env);
      ops = OpsConfig.fromEnv(env, OpsConfig.SENDER_WHATSAPP_PORT);
    } catch (IllegalArgumentException e) {
      LOG.error("invalid configuration, not starting: {}", e.getMessage());
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry registry = OpsServer.newRegistry();
    Clock clock = Clock.systemUTC();
    SenderService service =
        SenderService.start(config.core(), WhatsAppClient.create(config), clock, registry);
    ReceiptWebhookService receipts =
        webhook.enabled()
            ? ReceiptWebhookService.start(config.core(), webhook, clock, registry)
            : null;
    if (receipts == null) {
      LOG.warn(
          "{} not set: no delivery receipts, WhatsApp rows stay sent",
          WhatsAppWebhookConfig.WHATSAPP_APP_SECRET);
    }
    OpsServer server = service.withChecks(OpsServer.start(ops, registry));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (receipts != null) {
                    receipts.close();
                  }
                  service.close();
                  server.close();
                },
                "sender-whatsapp-shutdown"));
  }
}

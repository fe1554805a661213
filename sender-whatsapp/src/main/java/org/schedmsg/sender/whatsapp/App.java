package org.schedmsg.sender.whatsapp;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.ServiceExit;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.observability.RunningService;
import org.schedmsg.sender.core.SenderService;
import org.schedmsg.sender.whatsapp.client.WhatsAppClient;
import org.schedmsg.sender.whatsapp.config.WhatsAppSenderConfig;
import org.schedmsg.sender.whatsapp.config.WhatsAppWebhookConfig;
import org.schedmsg.sender.whatsapp.webhook.ReceiptWebhookService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the WhatsApp sender, and its delivery-receipt webhook when an app secret is configured,
 * until the JVM is asked to stop. The only place that wires them. Exits as every service does
 * ({@link ServiceExit}): 0 after SIGTERM and a clean stop, 2 when a setting is invalid, 1 when it
 * cannot start (e.g. PostgreSQL unreachable, the webhook port taken) or a consumer thread dies.
 */
public final class App {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  private App() {}

  public static void main(String[] args) {
    ServiceExit.run("sender-whatsapp", () -> Settings.fromEnv(Env.system()), App::start);
  }

  /** Every setting, read and validated before anything connects (the client only checks them). */
  private record Settings(
      WhatsAppSenderConfig config,
      WhatsAppClient client,
      WhatsAppWebhookConfig webhook,
      OpsConfig ops) {
    static Settings fromEnv(Env env) {
      WhatsAppSenderConfig config = WhatsAppSenderConfig.fromEnv(env);
      WhatsAppWebhookConfig webhook = WhatsAppWebhookConfig.fromEnv(env);
      OpsConfig ops = OpsConfig.fromEnv(env, OpsConfig.SENDER_WHATSAPP_PORT);
      return new Settings(config, WhatsAppClient.create(config), webhook, ops);
    }
  }

  private static ServiceExit.Running start(Settings settings) {
    WhatsAppSenderConfig config = settings.config();
    PrometheusMeterRegistry registry = OpsServer.newRegistry();
    Clock clock = Clock.systemUTC();
    SenderService service = SenderService.start(config.core(), settings.client(), clock, registry);
    ReceiptWebhookService receipts = null;
    try {
      if (settings.webhook().enabled()) {
        receipts = ReceiptWebhookService.start(config.core(), settings.webhook(), clock, registry);
      } else {
        LOG.warn(
            "{} not set: no delivery receipts, WhatsApp rows stay sent",
            WhatsAppWebhookConfig.WHATSAPP_APP_SECRET);
      }
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
    ReceiptWebhookService webhook = receipts;
    return RunningService.open(
        service::livenessProblem,
        () -> {
          if (webhook != null) {
            webhook.close();
          }
          service.close();
        },
        () -> service.withChecks(OpsServer.start(settings.ops(), registry)));
  }
}

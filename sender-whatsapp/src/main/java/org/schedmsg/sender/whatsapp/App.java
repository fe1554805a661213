package org.schedmsg.sender.whatsapp;

import java.time.Clock;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.sender.core.SenderService;
import org.schedmsg.sender.whatsapp.client.WhatsAppClient;
import org.schedmsg.sender.whatsapp.config.WhatsAppSenderConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the WhatsApp sender until the JVM is asked to stop. The only place that wires it. */
public final class App {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  private App() {}

  public static void main(String[] args) {
    WhatsAppSenderConfig config;
    try {
      config = WhatsAppSenderConfig.fromEnv(Env.system());
    } catch (IllegalArgumentException e) {
      LOG.error("invalid configuration, not starting: {}", e.getMessage());
      System.exit(2);
      return;
    }
    SenderService service =
        SenderService.start(config.core(), WhatsAppClient.create(config), Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "sender-whatsapp-shutdown"));
  }
}

package org.schedmsg.sender.whatsapp;

import org.schedmsg.contracts.config.Env;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.sender.core.SenderRunner;
import org.schedmsg.sender.whatsapp.client.WhatsAppClient;
import org.schedmsg.sender.whatsapp.config.WhatsAppSenderConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the WhatsApp sender until the JVM is asked to stop. The only place that wires it. */
public final class App {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  private App() {}

  public static void main(String[] args) {
    Env env = Env.system();
    WhatsAppSenderConfig config;
    OpsConfig ops;
    try {
      config = WhatsAppSenderConfig.fromEnv(env);
      ops = OpsConfig.fromEnv(env, OpsConfig.SENDER_WHATSAPP_PORT);
    } catch (IllegalArgumentException e) {
      LOG.error("invalid configuration, not starting: {}", e.getMessage());
      System.exit(2);
      return;
    }
    SenderRunner.run(config.core(), WhatsAppClient.create(config), ops);
  }
}

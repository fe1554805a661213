package org.schedmsg.sender.telegram;

import org.schedmsg.contracts.config.Env;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.sender.core.SenderRunner;
import org.schedmsg.sender.telegram.client.TelegramClient;
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the Telegram sender until the JVM is asked to stop. The only place that wires it. */
public final class App {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  private App() {}

  public static void main(String[] args) {
    Env env = Env.system();
    TelegramSenderConfig config;
    OpsConfig ops;
    try {
      config = TelegramSenderConfig.fromEnv(env);
      ops = OpsConfig.fromEnv(env, OpsConfig.SENDER_TELEGRAM_PORT);
    } catch (IllegalArgumentException e) {
      LOG.error("invalid configuration, not starting: {}", e.getMessage());
      System.exit(2);
      return;
    }
    SenderRunner.run(config.core(), TelegramClient.create(config), ops);
  }
}

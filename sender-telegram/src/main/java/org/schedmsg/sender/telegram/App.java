package org.schedmsg.sender.telegram;

import java.time.Clock;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.sender.core.SenderService;
import org.schedmsg.sender.telegram.client.TelegramClient;
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the Telegram sender until the JVM is asked to stop. The only place that wires it. */
public final class App {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  private App() {}

  public static void main(String[] args) {
    TelegramSenderConfig config;
    try {
      config = TelegramSenderConfig.fromEnv(Env.system());
    } catch (IllegalArgumentException e) {
      LOG.error("invalid configuration, not starting: {}", e.getMessage());
      System.exit(2);
      return;
    }
    SenderService service =
        SenderService.start(config.core(), TelegramClient.create(config), Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "sender-telegram-shutdown"));
  }
}

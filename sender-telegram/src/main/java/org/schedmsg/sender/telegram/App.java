package org.schedmsg.sender.telegram;

import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.ServiceExit;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.sender.core.SenderRunner;
import org.schedmsg.sender.telegram.client.TelegramClient;
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;

/**
 * Runs the Telegram sender until the JVM is asked to stop. The only place that wires it. Exits as
 * every service does ({@link ServiceExit}): 0 after SIGTERM and a clean stop, 2 when a setting is
 * invalid, 1 when it cannot start (e.g. PostgreSQL unreachable) or a consumer thread dies.
 */
public final class App {
  private App() {}

  public static void main(String[] args) {
    ServiceExit.run(
        "sender-telegram",
        () -> Settings.fromEnv(Env.system()),
        s -> SenderRunner.start(s.config().core(), s.client(), s.ops()));
  }

  /** Every setting, read and validated before anything connects (the client only checks them). */
  private record Settings(TelegramSenderConfig config, TelegramClient client, OpsConfig ops) {
    static Settings fromEnv(Env env) {
      TelegramSenderConfig config = TelegramSenderConfig.fromEnv(env);
      OpsConfig ops = OpsConfig.fromEnv(env, OpsConfig.SENDER_TELEGRAM_PORT);
      return new Settings(config, TelegramClient.create(config), ops);
    }
  }
}

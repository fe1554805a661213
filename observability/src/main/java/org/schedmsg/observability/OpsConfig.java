package org.schedmsg.observability;

import java.util.List;
import org.schedmsg.contracts.config.Env;

/**
 * The operations port of a service ({@code OPS_PORT}; 0 picks a free port). Each app has its own
 * documented default so that all four can run on one host.
 */
public record OpsConfig(int port) {
  public static final String OPS_PORT = "OPS_PORT";
  public static final List<String> KEYS = List.of(OPS_PORT);

  public static final int CDC_INGESTOR_PORT = 9401;
  public static final int SCHEDULER_PORT = 9402;
  public static final int SENDER_TELEGRAM_PORT = 9403;
  public static final int SENDER_WHATSAPP_PORT = 9404;

  public OpsConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(OPS_PORT + " must be a port number (0 = any free port)");
    }
  }

  public static OpsConfig fromEnv(Env env, int defaultPort) {
    return new OpsConfig(env.integer(OPS_PORT, defaultPort));
  }
}

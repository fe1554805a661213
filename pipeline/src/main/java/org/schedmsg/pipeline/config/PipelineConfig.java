package org.schedmsg.pipeline.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.SettingKeys;

/**
 * What the all-in-one pipeline needs: the environment every service reads (Kafka, topics, database
 * URL, platform endpoints and tuning keys), and the database login of each role. Each service gets
 * the shared environment plus its own {@code DATABASE_USER}/{@code DATABASE_PASSWORD}, and builds
 * its own typed config from it exactly as when run alone.
 */
public record PipelineConfig(
    Map<String, String> environment, DatabaseLogin ingestorLogin, DatabaseLogin senderLogin) {

  public PipelineConfig {
    environment = Map.copyOf(environment);
    Objects.requireNonNull(ingestorLogin, "ingestorLogin");
    Objects.requireNonNull(senderLogin, "senderLogin");
    for (String key :
        new String[] {SettingKeys.DATABASE_URL, SettingKeys.KAFKA_BOOTSTRAP_SERVERS}) {
      if (!environment.containsKey(key)) {
        throw new IllegalArgumentException("missing required setting " + key);
      }
    }
  }

  /** The environment of a service that logs in to the database as {@code login}. */
  public Env envFor(DatabaseLogin login) {
    Map<String, String> env = new HashMap<>(environment);
    env.put(SettingKeys.DATABASE_USER, login.user());
    env.put(SettingKeys.DATABASE_PASSWORD, login.password());
    return new Env(env);
  }

  @Override
  public String toString() {
    return "PipelineConfig{keys="
        + environment.keySet()
        + ", ingestor="
        + ingestorLogin
        + ", sender="
        + senderLogin
        + '}';
  }
}

package org.schedmsg.contracts.config;

/** Environment keys shared by several apps; each app's config documents its own as well. */
public final class SettingKeys {
  public static final String DATABASE_URL = "DATABASE_URL";
  public static final String DATABASE_USER = "DATABASE_USER";
  public static final String DATABASE_PASSWORD = "DATABASE_PASSWORD";
  public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
  public static final String TOPIC_NAMESPACE = "TOPIC_NAMESPACE";

  private SettingKeys() {}
}

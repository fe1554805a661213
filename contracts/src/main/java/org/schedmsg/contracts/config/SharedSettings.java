package org.schedmsg.contracts.config;

import java.util.ArrayList;
import java.util.List;
import org.schedmsg.contracts.Topics;

/**
 * Settings several services read under the same key: the database connection (with {@link
 * DatabaseTls#SETTINGS}) and the Kafka connection. Each service includes the groups it reads in its
 * own {@link SettingsDefinition}.
 */
public final class SharedSettings {
  private SharedSettings() {}

  /** Letters, digits, '.', '_' and '-': what Kafka allows in a topic name. */
  public static final SettingRule TOPIC_NAMESPACE_RULE =
      SettingRule.of(
          "letters, digits, '.', '_' and '-'",
          v -> {
            Topics.of((String) v);
            return true;
          });

  /**
   * {@code DATABASE_URL} (required; printed without its query), {@code DATABASE_USER} (the role
   * {@code user} describes, defaulting to {@code defaultUser} or none), {@code DATABASE_PASSWORD}
   * (secret), then the TLS settings.
   */
  public static List<Setting> database(String user, String defaultUser) {
    List<Setting> settings = new ArrayList<>();
    settings.add(
        Setting.text(
                SettingKeys.DATABASE_URL,
                "JDBC URL of the database holding `scheduled_messages`,"
                    + " `jdbc:postgresql://host[:port]/db`; printed without its query")
            .asRequired()
            .withRule(SettingRule.matching("jdbc:postgresql:.*", "a `jdbc:postgresql:` URL"))
            .shownAs(SharedSettings::withoutQuery));
    Setting userSetting = Setting.text(SettingKeys.DATABASE_USER, user);
    settings.add(defaultUser == null ? userSetting : userSetting.withDefault(defaultUser));
    settings.add(Setting.secret(SettingKeys.DATABASE_PASSWORD, "the role's password"));
    settings.addAll(DatabaseTls.SETTINGS);
    return List.copyOf(settings);
  }

  /** {@code KAFKA_BOOTSTRAP_SERVERS} (required), {@code KAFKA_CLIENT_CONFIG_FILE}, namespace. */
  public static List<Setting> kafka() {
    return List.of(
        Setting.text(SettingKeys.KAFKA_BOOTSTRAP_SERVERS, "Kafka brokers, `host:port[,host:port]`")
            .asRequired(),
        Setting.text(
            KafkaClientSettings.CONFIG_FILE,
            "a Kafka client properties file (security protocol, SASL, TLS stores...) for every"
                + " Kafka client of the service; `KAFKA_CLIENT_<PROPERTY>` variables override it."
                + " See [contracts, \"Kafka client settings\"]"
                + "(../contracts/README.md#kafka-client-settings)"),
        Setting.text(SettingKeys.TOPIC_NAMESPACE, "prefix of every topic name")
            .withDefault(Topics.DEFAULT_NAMESPACE)
            .withRule(TOPIC_NAMESPACE_RULE));
  }

  /** {@code url} without its query, which may carry a password. */
  public static String withoutQuery(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query) + "?<hidden>";
  }
}

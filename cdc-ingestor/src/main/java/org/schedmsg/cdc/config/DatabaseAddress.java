package org.schedmsg.cdc.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.schedmsg.contracts.config.DatabaseTls;

/**
 * Host, port, database and TLS settings of a PostgreSQL JDBC URL ({@code
 * jdbc:postgresql://host[:port]/db[?sslmode=...&sslrootcert=...]}), the parts Debezium takes as
 * separate settings. The TLS parameters ({@link DatabaseTls#PARAMETERS}: {@code sslmode}, {@code
 * sslrootcert}, {@code sslcert}, {@code sslkey}, {@code sslpassword}) are kept; any other URL
 * parameter is refused rather than silently dropped. Errors name the setting, never the URL.
 *
 * @param tls the URL's TLS parameters ({@link DatabaseTls#none()} when it has none)
 */
public record DatabaseAddress(String host, int port, String database, DatabaseTls tls) {
  public static final int DEFAULT_PORT = 5432;
  private static final String PREFIX = "jdbc:postgresql://";

  public DatabaseAddress {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(tls, "tls");
  }

  /** Parses {@code jdbcUrl}; {@code key} names the setting in error messages. */
  public static DatabaseAddress parse(String jdbcUrl, String key) {
    if (jdbcUrl == null || !jdbcUrl.startsWith(PREFIX)) {
      throw new IllegalArgumentException(key + " must look like jdbc:postgresql://host:port/db");
    }
    URI uri;
    try {
      uri = new URI(jdbcUrl.substring("jdbc:".length()));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(key + " is not a valid JDBC URL");
    }
    String path = uri.getPath();
    if (uri.getHost() == null || path == null || !path.matches("/[^/]+")) {
      throw new IllegalArgumentException(
          key + " must name one host and one database: jdbc:postgresql://host:port/db");
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    return new DatabaseAddress(uri.getHost(), port, path.substring(1), tls(uri, key));
  }

  /** Debezium's settings of the TLS parameters: {@code database.sslmode}, ... */
  public Map<String, String> debeziumTlsProperties() {
    Map<String, String> properties = new HashMap<>();
    tls.parameters().forEach((name, value) -> properties.put("database." + name, value));
    return properties;
  }

  private static DatabaseTls tls(URI uri, String key) {
    String query = uri.getRawQuery();
    if (query == null || query.isEmpty()) {
      return DatabaseTls.none();
    }
    Map<String, String> values = new HashMap<>();
    for (String part : query.split("&")) {
      int equals = part.indexOf('=');
      String name = equals < 0 ? part : part.substring(0, equals);
      if (!DatabaseTls.PARAMETERS.contains(name) || equals < 0 || values.containsKey(name)) {
        throw new IllegalArgumentException(
            key
                + " may carry only the TLS parameters "
                + String.join(", ", DatabaseTls.PARAMETERS)
                + ", each once with a value; other parameters are not passed on");
      }
      values.put(name, URLDecoder.decode(part.substring(equals + 1), StandardCharsets.UTF_8));
    }
    return new DatabaseTls(
        values.get("sslmode"),
        values.get("sslrootcert"),
        values.get("sslcert"),
        values.get("sslkey"),
        values.get("sslpassword"));
  }
}

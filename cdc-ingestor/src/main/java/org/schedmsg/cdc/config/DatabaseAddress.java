package org.schedmsg.cdc.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * Host, port and database of a PostgreSQL JDBC URL ({@code jdbc:postgresql://host[:port]/db}), the
 * parts Debezium takes as separate settings. An optional {@code ?sslmode=...} is kept; any other
 * URL parameter is refused rather than silently dropped. Errors name the setting, never the URL.
 *
 * @param sslMode the {@code sslmode} parameter, or null when the URL has none
 */
public record DatabaseAddress(String host, int port, String database, String sslMode) {
  public static final int DEFAULT_PORT = 5432;
  private static final String PREFIX = "jdbc:postgresql://";
  private static final String SSL_MODE_PARAMETER = "sslmode=";

  public DatabaseAddress {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
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
    return new DatabaseAddress(uri.getHost(), port, path.substring(1), sslMode(uri, key));
  }

  private static String sslMode(URI uri, String key) {
    String query = uri.getQuery();
    if (query == null || query.isEmpty()) {
      return null;
    }
    if (!query.startsWith(SSL_MODE_PARAMETER) || query.contains("&")) {
      throw new IllegalArgumentException(
          key + " may carry only the sslmode parameter; other parameters are not passed on");
    }
    return query.substring(SSL_MODE_PARAMETER.length());
  }
}

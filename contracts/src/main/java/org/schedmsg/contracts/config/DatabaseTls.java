package org.schedmsg.contracts.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * TLS of a service's PostgreSQL connections, the same keys for every service: pgjdbc takes them as
 * URL parameters ({@link #applyTo}), Debezium as {@code database.<parameter>}. With any file set
 * the mode defaults to {@code verify-full} (the server's certificate must chain to {@code
 * DATABASE_SSL_ROOT_CERT} and name the host); with nothing set nothing is added (pgjdbc's own
 * default, the plaintext local stack).
 *
 * <p>Client keys: PKCS-8, DER ({@code .pk8}) or PEM ({@code BEGIN PRIVATE KEY}), unencrypted; or a
 * PKCS#12 file ({@code .p12}) with {@value #SSL_KEY_PASSWORD}. pgjdbc cannot read PKCS#1 PEM
 * ({@code BEGIN RSA PRIVATE KEY}) or encrypted PKCS-8 keys.
 *
 * @param sslMode pgjdbc's {@code sslmode}, or null for none
 * @param rootCert the CA certificate(s) the server's certificate must chain to, or null
 * @param cert the client certificate (PEM), or null
 * @param key the client key, or null
 * @param keyPassword the client key's password (PKCS#12 only); hidden by {@link #toString()}
 */
public record DatabaseTls(
    String sslMode, String rootCert, String cert, String key, String keyPassword) {
  public static final String SSL_MODE = "DATABASE_SSL_MODE";
  public static final String SSL_ROOT_CERT = "DATABASE_SSL_ROOT_CERT";
  public static final String SSL_CERT = "DATABASE_SSL_CERT";
  public static final String SSL_KEY = "DATABASE_SSL_KEY";
  public static final String SSL_KEY_PASSWORD = "DATABASE_SSL_KEY_PASSWORD";

  /** The definitions of the keys, in README order. */
  public static final List<Setting> SETTINGS =
      List.of(
          Setting.text(SSL_MODE, "pgjdbc's `sslmode`; outside the sandbox use `verify-full`")
              .withComputedDefault("(none; `verify-full` when a certificate or key is set)")
              .withRule(
                  SettingRule.oneOf(
                      "disable", "allow", "prefer", "require", "verify-ca", "verify-full")),
          Setting.text(
              SSL_ROOT_CERT,
              "CA certificate(s) (PEM) the server's certificate must chain to (a readable file)"),
          Setting.text(
              SSL_CERT,
              "client certificate (PEM); its CN is the role's name when PostgreSQL checks"
                  + " `clientcert=verify-full`"),
          Setting.text(
              SSL_KEY,
              "client key: PKCS-8 DER (`.pk8`) or PEM (`BEGIN PRIVATE KEY`), or PKCS#12"
                  + " (`.p12`); not PKCS#1 or encrypted PKCS-8"),
          Setting.secret(SSL_KEY_PASSWORD, "password of a `.p12` client key"));

  /** Every key, in README order. */
  public static final List<String> KEYS = SETTINGS.stream().map(Setting::key).toList();

  private static final SettingsDefinition DEFINITION = new SettingsDefinition(SETTINGS);

  /** The pgjdbc URL parameters of these settings (Debezium: {@code database.} + the name). */
  public static final List<String> PARAMETERS =
      List.of("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword");

  /** The mode whenever a certificate or key is given and no mode is. */
  public static final String DEFAULT_MODE_WITH_FILES = "verify-full";

  private static final Set<String> MODES =
      Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  public DatabaseTls {
    if (sslMode != null && !MODES.contains(sslMode)) {
      throw new IllegalArgumentException(
          SSL_MODE + " must be one of disable, allow, prefer, require, verify-ca, verify-full");
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException(
          SSL_CERT + " and " + SSL_KEY + " go together: set both or neither");
    }
    if (keyPassword != null && key == null) {
      throw new IllegalArgumentException(SSL_KEY_PASSWORD + " needs " + SSL_KEY);
    }
    if (sslMode != null && !sslMode.startsWith("verify") && rootCert != null) {
      throw new IllegalArgumentException(
          SSL_ROOT_CERT + " is only checked with " + SSL_MODE + " verify-ca or verify-full");
    }
  }

  /** No TLS settings: the URL is used as it is. */
  public static DatabaseTls none() {
    return new DatabaseTls(null, null, null, null, null);
  }

  /**
   * Reads the keys of {@link #KEYS} ({@value #SSL_KEY_PASSWORD} also as {@code _FILE}); every named
   * file must be readable. Errors name the key and the path, never a password.
   */
  public static DatabaseTls fromEnv(Env env) {
    return from(DEFINITION.read(env));
  }

  /** These settings from values read with a definition that includes {@link #SETTINGS}. */
  public static DatabaseTls from(SettingValues values) {
    String rootCert = readableFile(values, SSL_ROOT_CERT);
    String cert = readableFile(values, SSL_CERT);
    String key = readableFile(values, SSL_KEY);
    boolean files = rootCert != null || cert != null || key != null;
    String mode = values.has(SSL_MODE) ? values.text(SSL_MODE) : null;
    if (mode == null && files) {
      mode = DEFAULT_MODE_WITH_FILES;
    }
    return new DatabaseTls(mode, rootCert, cert, key, values.text(SSL_KEY_PASSWORD));
  }

  private static String readableFile(SettingValues values, String key) {
    String path = values.text(key);
    if (path != null && !Files.isReadable(Path.of(path))) {
      throw new IllegalArgumentException(key + " names a file that cannot be read: " + path);
    }
    return path;
  }

  /** Whether any setting is given. */
  public boolean isSet() {
    return !parameters().isEmpty();
  }

  /** pgjdbc parameter name to value, only those set, in {@link #PARAMETERS} order. */
  public Map<String, String> parameters() {
    Map<String, String> parameters = new LinkedHashMap<>();
    String[] values = {sslMode, rootCert, cert, key, keyPassword};
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        parameters.put(PARAMETERS.get(i), values[i]);
      }
    }
    return parameters;
  }

  /**
   * {@code jdbcUrl} with these settings as URL parameters (URL-encoded). A parameter the URL
   * already carries is refused rather than silently overridden; {@code urlKey} names the URL's
   * setting in that error.
   */
  public String applyTo(String jdbcUrl, String urlKey) {
    Map<String, String> parameters = parameters();
    if (parameters.isEmpty()) {
      return jdbcUrl;
    }
    int query = jdbcUrl.indexOf('?');
    String existing = query < 0 ? "" : jdbcUrl.substring(query + 1);
    StringBuilder url = new StringBuilder(jdbcUrl);
    char separator = query < 0 ? '?' : '&';
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      if (hasParameter(existing, parameter.getKey())) {
        throw new IllegalArgumentException(
            urlKey
                + " already sets "
                + parameter.getKey()
                + ": set it in the URL or in the DATABASE_SSL_* settings, not both");
      }
      url.append(separator)
          .append(parameter.getKey())
          .append('=')
          .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
      separator = '&';
    }
    return url.toString();
  }

  private static boolean hasParameter(String query, String name) {
    for (String part : query.split("&")) {
      if (part.equals(name) || part.startsWith(name + "=")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "DatabaseTls[sslmode="
        + sslMode
        + ", sslrootcert="
        + rootCert
        + ", sslcert="
        + cert
        + ", sslkey="
        + key
        + ", sslpassword="
        + (keyPassword == null ? "<none>" : "<hidden>")
        + ']';
  }
}

package org.schedmsg.contracts.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTlsTest {
  private static final String URL = "jdbc:postgresql://db:5432/clinic";

  @Test
  void shouldLeaveUrlAsItIsWhenNothingIsSet() {
    DatabaseTls tls = DatabaseTls.fromEnv(new Env(Map.of()));

    assertThat(tls.isSet()).isFalse();
    assertThat(tls.applyTo(URL, "DATABASE_URL")).isEqualTo(URL);
  }

  @Test
  void shouldDefaultToVerifyFullWhenAnyCertificateOrKeyIsSet(@TempDir Path dir) throws IOException {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");

    DatabaseTls tls = DatabaseTls.fromEnv(new Env(Map.of("DATABASE_SSL_ROOT_CERT", ca.toString())));

    assertThat(tls.sslMode()).isEqualTo("verify-full");
  }

  @Test
  void shouldAppendEncodedParametersAndReadPasswordFileWhenAllAreSet(@TempDir Path dir)
      throws IOException {
    Path ca = Files.writeString(dir.resolve("c a.pem"), "ca");
    Path cert = Files.writeString(dir.resolve("svc.crt"), "cert");
    Path key = Files.writeString(dir.resolve("svc.p12"), "key");
    Path password = Files.writeString(dir.resolve("pw"), "p&w=1\n");
    DatabaseTls tls =
        DatabaseTls.fromEnv(
            new Env(
                Map.of(
                    "DATABASE_SSL_MODE", "verify-ca",
                    "DATABASE_SSL_ROOT_CERT", ca.toString(),
                    "DATABASE_SSL_CERT", cert.toString(),
                    "DATABASE_SSL_KEY", key.toString(),
                    "DATABASE_SSL_KEY_PASSWORD_FILE", password.toString())));

    assertThat(tls.applyTo(URL + "?connectTimeout=5", "DATABASE_URL"))
        .isEqualTo(
            URL
                + "?connectTimeout=5&sslmode=verify-ca&sslrootcert="
                + encoded(ca)
                + "&sslcert="
                + encoded(cert)
                + "&sslkey="
                + encoded(key)
                + "&sslpassword=p%26w%3D1");
    assertThat(tls.toString()).doesNotContain("p&w").contains("sslpassword=<hidden>");
  }

  @Test
  void shouldRefuseWhenUrlAlreadySetsTheSameParameter(@TempDir Path dir) throws IOException {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");
    DatabaseTls tls = DatabaseTls.fromEnv(new Env(Map.of("DATABASE_SSL_ROOT_CERT", ca.toString())));

    assertThatThrownBy(() -> tls.applyTo(URL + "?sslmode=require", "DATABASE_URL"))
        .hasMessage(
            "DATABASE_URL already sets sslmode: set it in the URL or in the DATABASE_SSL_*"
                + " settings, not both");
  }

  @Test
  void shouldRefuseInconsistentSettingsNamingTheKeyWhenBuilt(@TempDir Path dir) throws IOException {
    Path cert = Files.writeString(dir.resolve("svc.crt"), "cert");
    assertThatThrownBy(
            () -> DatabaseTls.fromEnv(new Env(Map.of("DATABASE_SSL_CERT", cert.toString()))))
        .hasMessageContaining("DATABASE_SSL_CERT and DATABASE_SSL_KEY go together");
    assertThatThrownBy(
            () -> DatabaseTls.fromEnv(new Env(Map.of("DATABASE_SSL_MODE", "verify-everything"))))
        .hasMessageContaining("DATABASE_SSL_MODE must be one of");
    assertThatThrownBy(
            () ->
                DatabaseTls.fromEnv(
                    new Env(Map.of("DATABASE_SSL_KEY", dir.resolve("missing.pk8").toString()))))
        .hasMessageContaining("DATABASE_SSL_KEY names a file that cannot be read");
    assertThatThrownBy(() -> new DatabaseTls("require", "/ca.pem", null, null, null))
        .as("a root certificate that would not be checked")
        .hasMessageContaining("verify-ca or verify-full");
    assertThatThrownBy(() -> new DatabaseTls(null, null, null, null, "pw"))
        .hasMessageContaining("DATABASE_SSL_KEY_PASSWORD needs DATABASE_SSL_KEY")
        .hasMessageNotContaining("pw\"");
  }

  private static String encoded(Path path) {
    return java.net.URLEncoder.encode(path.toString(), java.nio.charset.StandardCharsets.UTF_8);
  }
}

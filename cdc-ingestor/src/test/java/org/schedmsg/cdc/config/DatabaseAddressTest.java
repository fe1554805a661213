package org.schedmsg.cdc.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.schedmsg.contracts.config.DatabaseTls;

class DatabaseAddressTest {

  @Test
  void shouldSplitHostPortAndDatabaseWhenUrlIsComplete() {
    assertThat(DatabaseAddress.parse("jdbc:postgresql://localhost:54321/test_1", "KEY"))
        .isEqualTo(new DatabaseAddress("localhost", 54321, "test_1", DatabaseTls.none()));
  }

  @Test
  void shouldUseDefaultPortWhenUrlHasNone() {
    assertThat(DatabaseAddress.parse("jdbc:postgresql://db.internal/clinic", "KEY").port())
        .isEqualTo(5432);
  }

  @Test
  void shouldKeepSslModeWhenUrlCarriesIt() {
    assertThat(DatabaseAddress.parse("jdbc:postgresql://db/clinic?sslmode=require", "KEY"))
        .isEqualTo(
            new DatabaseAddress(
                "db", 5432, "clinic", new DatabaseTls("require", null, null, null, null)));
  }

  @Test
  void shouldPassEveryTlsParameterToDebeziumWhenUrlCarriesThem() {
    DatabaseAddress address =
        DatabaseAddress.parse(
            "jdbc:postgresql://db/clinic?sslmode=verify-full&sslrootcert=%2Fetc%2Fpg%2Fca.pem"
                + "&sslcert=/etc/pg/ingestor.crt&sslkey=/etc/pg/ingestor.p12&sslpassword=k%26y",
            "KEY");

    assertThat(address.debeziumTlsProperties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "database.sslmode", "verify-full",
                "database.sslrootcert", "/etc/pg/ca.pem",
                "database.sslcert", "/etc/pg/ingestor.crt",
                "database.sslkey", "/etc/pg/ingestor.p12",
                "database.sslpassword", "k&y"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:mysql://db/clinic",
        "jdbc:postgresql://db1:5432,db2:5432/clinic",
        "jdbc:postgresql://db/clinic/extra",
        "jdbc:postgresql://db/clinic?user=admin",
        "jdbc:postgresql://db/clinic?sslmode=require&password=pw",
        "jdbc:postgresql://db/clinic?sslmode=require&sslmode=disable",
        "jdbc:postgresql://db/clinic?sslkey"
      })
  void shouldRefuseWithoutEchoingUrlWhenUrlIsUnsupported(String url) {
    assertThatThrownBy(() -> DatabaseAddress.parse(url, "DATABASE_URL"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DATABASE_URL")
        .hasMessageNotContaining(url)
        .hasMessageNotContaining("pw")
        .hasMessageNotContaining("admin");
  }
}

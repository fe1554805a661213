package org.schedmsg.cdc.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseAddressTest {

  @Test
  void shouldSplitHostPortAndDatabaseWhenUrlIsComplete() {
    assertThat(DatabaseAddress.parse("jdbc:postgresql://localhost:54321/test_1", "KEY"))
        .isEqualTo(new DatabaseAddress("localhost", 54321, "test_1", null));
  }

  @Test
  void shouldUseDefaultPortWhenUrlHasNone() {
    assertThat(DatabaseAddress.parse("jdbc:postgresql://db.internal/clinic", "KEY").port())
        .isEqualTo(5432);
  }

  @Test
  void shouldKeepSslModeWhenUrlCarriesIt() {
    assertThat(DatabaseAddress.parse("jdbc:postgresql://db/clinic?sslmode=require", "KEY"))
        .isEqualTo(new DatabaseAddress("db", 5432, "clinic", "require"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:mysql://db/clinic",
        "jdbc:postgresql://db1:5432,db2:5432/clinic",
        "jdbc:postgresql://db/clinic/extra",
        "jdbc:postgresql://db/clinic?user=admin",
        "jdbc:postgresql://db/clinic?sslmode=require&password=pw"
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

package org.schedmsg.contracts.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsDefinitionTest {
  private static final SettingsDefinition DEFINITION =
      new SettingsDefinition(
          List.of(
              Setting.text("URL", "where").asRequired().shownAs(SharedSettings::withoutQuery),
              Setting.integer("COUNT", "how many").withDefault(5).withRule(SettingRule.atLeast(1)),
              Setting.duration("WAIT", "how long")
                  .withDefault(Duration.ofMillis(100))
                  .withRule(SettingRule.positive()),
              Setting.text("MODE", "which").withDefault("a").withRule(SettingRule.oneOf("a", "b")),
              Setting.text("GROUP", "whose").withComputedDefault("`<ns>-group`"),
              Setting.secret("TOKEN", "the token")));

  @Test
  void shouldUseDefaultsWhenOnlyRequiredSet() {
    SettingValues values = DEFINITION.read(new Env(Map.of("URL", "jdbc:x")));

    assertThat(values.text("URL")).isEqualTo("jdbc:x");
    assertThat(values.integer("COUNT")).isEqualTo(5);
    assertThat(values.duration("WAIT")).isEqualTo(Duration.ofMillis(100));
    assertThat(values.text("MODE")).isEqualTo("a");
    assertThat(values.has("GROUP")).isFalse();
    assertThat(values.text("TOKEN")).isNull();
  }

  @Test
  void shouldParseEveryKindWhenSet() {
    SettingValues values =
        DEFINITION.read(
            new Env(
                Map.of(
                    "URL", "jdbc:x", "COUNT", " 7 ", "WAIT", "PT2S", "MODE", "b", "GROUP", "g",
                    "TOKEN", "t0k")));

    assertThat(values.integer("COUNT")).isEqualTo(7);
    assertThat(values.duration("WAIT")).isEqualTo(Duration.ofSeconds(2));
    assertThat(values.text("MODE")).isEqualTo("b");
    assertThat(values.text("GROUP")).isEqualTo("g");
    assertThat(values.text("TOKEN")).isEqualTo("t0k");
  }

  @Test
  void shouldNameKeyButNotValueWhenValueBreaksItsTypeOrRule() {
    assertThatThrownBy(() -> DEFINITION.read(new Env(Map.of("URL", "u", "COUNT", "s3cr3t"))))
        .hasMessage("COUNT must be an integer");
    assertThatThrownBy(() -> DEFINITION.read(new Env(Map.of("URL", "u", "COUNT", "-31337"))))
        .hasMessage("COUNT must be at least 1");
    assertThatThrownBy(() -> DEFINITION.read(new Env(Map.of("URL", "u", "WAIT", "s3cr3t"))))
        .hasMessage("WAIT must be a duration such as 100ms, 30s, 5m, 2h, 7d or PT30S");
    assertThatThrownBy(() -> DEFINITION.read(new Env(Map.of("URL", "u", "WAIT", "0s"))))
        .hasMessage("WAIT must be a positive duration");
    assertThatThrownBy(() -> DEFINITION.read(new Env(Map.of("URL", "u", "MODE", "s3cr3t"))))
        .hasMessage("MODE must be one of a, b");
  }

  @Test
  void shouldNameKeyAndFileFormWhenRequiredSettingMissing() {
    SettingsDefinition definition =
        new SettingsDefinition(List.of(Setting.secret("TOKEN", "t").asRequired()));

    assertThatThrownBy(() -> DEFINITION.read(new Env(Map.of())))
        .hasMessage("missing required setting URL");
    assertThatThrownBy(() -> definition.read(new Env(Map.of())))
        .hasMessage("missing required setting TOKEN (or TOKEN_FILE)");
  }

  @Test
  void shouldReadSecretFromFileWhenFileKeySet(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("token"), "from-file\n");

    SettingValues values =
        DEFINITION.read(new Env(Map.of("URL", "u", "TOKEN_FILE", file.toString())));

    assertThat(values.text("TOKEN")).isEqualTo("from-file");
  }

  @Test
  void shouldPrintEverySettingMaskedWhenPrinted() {
    SettingValues values =
        DEFINITION.read(new Env(Map.of("URL", "jdbc:x?password=pw", "TOKEN", "t0k")));

    assertThat(values.toString())
        .isEqualTo("URL=jdbc:x?<hidden>, COUNT=5, WAIT=100ms, MODE=a, GROUP=<none>, TOKEN=<hidden>")
        .doesNotContain("pw", "t0k");
    assertThat(values.withDefault("GROUP", "ns-group").toString()).contains("GROUP=ns-group");
  }

  @Test
  void shouldRefuseDefinitionWhenDefaultBreaksItsRule() {
    List<Setting> broken =
        List.of(Setting.integer("COUNT", "n").withDefault(0).withRule(SettingRule.atLeast(1)));

    assertThatThrownBy(() -> new SettingsDefinition(broken)).hasMessageContaining("COUNT");
  }

  @Test
  void shouldRefuseDefinitionWhenKeyDefinedTwice() {
    List<Setting> twice = List.of(Setting.text("A", "a"), Setting.integer("A", "b"));

    assertThatThrownBy(() -> new SettingsDefinition(twice)).hasMessage("A is defined twice");
  }

  @Test
  void shouldHoldEverySettingInKafkaConfigDefWhenDefined() {
    ConfigDef configDef = DEFINITION.configDef();

    assertThat(configDef.names()).containsExactlyInAnyOrderElementsOf(DEFINITION.keys());
    assertThat(configDef.configKeys().get("COUNT").type).isEqualTo(ConfigDef.Type.INT);
    assertThat(configDef.configKeys().get("TOKEN").type).isEqualTo(ConfigDef.Type.PASSWORD);
    assertThat(configDef.configKeys().get("WAIT").defaultValue).isEqualTo("100ms");
  }

  @Test
  void shouldListKeyDefaultRuleAndMeaningWhenTableGenerated() {
    assertThat(DEFINITION.markdownTable())
        .isEqualTo(
            """
            | key | default | valid values | meaning |
            |---|---|---|---|
            | `URL` | (required) | text | where |
            | `COUNT` | `5` | at least 1 | how many |
            | `WAIT` | `100ms` | a positive duration | how long |
            | `MODE` | `a` | one of a, b | which |
            | `GROUP` | `<ns>-group` | text | whose |
            | `TOKEN` (or `TOKEN_FILE`) | (none) | text | the token |
            """);
  }

  @Test
  void shouldFormatDurationsInTheShortestExactUnit() {
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofMinutes(15))).isEqualTo("15m");
    assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(Durations.parse(Durations.format(Duration.ofMillis(1500))))
        .isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void shouldFailNamingLineWhenReadmeTableDiffers(@TempDir Path dir) throws IOException {
    String table = DEFINITION.markdownTable();
    Path readme = dir.resolve("README.md");
    Files.writeString(
        readme,
        "# x\n\n" + SettingsReadme.BEGIN + "\n" + table + SettingsReadme.END + "\n\nafter\n");
    SettingsReadme.requireCurrent(readme, DEFINITION);

    Files.writeString(
        readme,
        "# x\n\n"
            + SettingsReadme.BEGIN
            + "\n"
            + table.replace("`5`", "`6`")
            + SettingsReadme.END
            + "\n");

    assertThatThrownBy(() -> SettingsReadme.requireCurrent(readme, DEFINITION))
        .hasMessageContaining("line 4 of the table")
        .hasMessageContaining("`6`")
        .hasMessageContaining("-Dschedmsg.readme.write=true");
  }

  @Test
  void shouldFailWhenReadmeHasNoTableMarkers(@TempDir Path dir) throws IOException {
    Path readme = Files.writeString(dir.resolve("README.md"), "# x\n");

    assertThatThrownBy(() -> SettingsReadme.requireCurrent(readme, DEFINITION))
        .hasMessageContaining("no " + SettingsReadme.BEGIN);
  }
}

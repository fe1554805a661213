package org.schedmsg.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlatformTest {
  @Test
  void shouldKeepStoredCodesWhenPlatformsAreReordered() {
    assertThat(Platform.TELEGRAM.code()).isEqualTo((byte) 1);
    assertThat(Platform.WHATSAPP.code()).isEqualTo((byte) 2);
    assertThat(Arrays.stream(Platform.values()).map(Platform::code).distinct())
        .hasSize(Platform.values().length);
  }

  @ParameterizedTest
  @EnumSource(Platform.class)
  void shouldFindPlatformByItsIdAndCode(Platform platform) {
    assertThat(Platform.fromId(platform.id())).isSameAs(platform);
    assertThat(Platform.fromCode(platform.code())).isSameAs(platform);
  }

  /** The published schemas name every platform, and only those (a new one needs them edited). */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "scheduled-message-change.v1.schema.json",
        "delivery-request.v1.schema.json",
        "rejected-message.v1.schema.json"
      })
  void shouldNameEveryPlatformWhenSchemaHasPlatformField(String schema) throws IOException {
    List<String> ids = Arrays.stream(Platform.values()).map(Platform::id).toList();
    List<JsonNode> enums = new ArrayList<>();
    try (InputStream in = Platform.class.getResourceAsStream("/schemas/" + schema)) {
      assertThat(in).as(schema).isNotNull();
      new ObjectMapper()
          .readTree(in).findValues("platform").stream()
              .filter(node -> node.has("enum"))
              .forEach(node -> enums.add(node.get("enum")));
    }
    assertThat(enums).as(schema).isNotEmpty();
    for (JsonNode values : enums) {
      List<String> named = new ArrayList<>();
      values.forEach(v -> named.add(v.asText()));
      assertThat(named).as(schema).containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  @Test
  void shouldRefuseUnknownCode() {
    assertThatThrownBy(() -> Platform.fromCode((byte) 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"123456789", "-1001234567890", "@channel_name", " 42 "})
  void shouldTakeTelegramChatIdOrChannelName(String recipient) {
    assertThat(Platform.TELEGRAM.isValidRecipient(recipient)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "+4915112345678", "@abc", "@1channel", "12 34"})
  void shouldRefuseWhatIsNotATelegramChat(String recipient) {
    assertThat(Platform.TELEGRAM.isValidRecipient(recipient)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"+4915112345678", "4915112345678", "6831234", "123456789012345"})
  void shouldTakeE164NumberOnWhatsApp(String recipient) {
    assertThat(Platform.WHATSAPP.isValidRecipient(recipient)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"123456", "1234567890123456", "04915112345678", "+49 151", "@channel"})
  void shouldRefuseWhatIsNotAnE164NumberOnWhatsApp(String recipient) {
    assertThat(Platform.WHATSAPP.isValidRecipient(recipient)).isFalse();
  }

  @Test
  void shouldRefuseNullRecipient() {
    assertThat(Platform.TELEGRAM.isValidRecipient(null)).isFalse();
    assertThat(Platform.WHATSAPP.isValidRecipient(null)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Platform.class)
  void shouldCountTextInUtf16CodeUnits(Platform platform) {
    String pill = "\uD83D\uDC8A"; // one code point, two UTF-16 code units
    int limit = platform.maxTextLength();

    assertThat(platform.isTooLong("x".repeat(limit))).isFalse();
    assertThat(platform.isTooLong("x".repeat(limit + 1))).isTrue();
    assertThat(platform.isTooLong(pill.repeat(limit / 2))).isFalse();
    assertThat(platform.isTooLong(pill.repeat(limit / 2 + 1))).isTrue();
    assertThat(platform.isTooLong(null)).isFalse();
  }
}

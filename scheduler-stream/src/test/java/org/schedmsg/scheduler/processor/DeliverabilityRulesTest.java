package org.schedmsg.scheduler.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.schedmsg.contracts.Platform;
import org.schedmsg.scheduler.MessageRow;

class DeliverabilityRulesTest {
  static final Instant T = Instant.parse("2026-11-28T08:00:00Z");
  static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final DeliverabilityRules rules = new DeliverabilityRules(5);

  private static MessageRow row() {
    return MessageRow.pendingAt(T);
  }

  @Test
  void shouldAcceptWhenRowIsDeliverable() {
    assertThat(rules.rejection(row().build(), T)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 10, 100})
  void shouldRejectInvalidPriorityWhenOutsideOneToNine(int priority) {
    assertThat(rules.rejection(row().priority(priority).build(), T))
        .contains(RejectionReasons.INVALID_PRIORITY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"123456789", "-1001234567890", "@schedmsg_news"})
  void shouldAcceptTelegramRecipientWhenChatIdOrChannelName(String recipient) {
    assertThat(rules.rejection(row().recipient(recipient).build(), T)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"chat-4711", "", "12 34", "@abc", "@1channel", "+4915112345678"})
  void shouldRejectInvalidRecipientWhenNotATelegramChatId(String recipient) {
    assertThat(rules.rejection(row().recipient(recipient).build(), T))
        .contains(RejectionReasons.INVALID_RECIPIENT);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"+4915112345678", "4915112345678", "12345678", "123456789012345", "6831234"})
  void shouldAcceptWhatsAppRecipientWhenE164(String recipient) {
    assertThat(rules.rejection(whatsapp(recipient), T)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "123456",
        "1234567890123456",
        "+49 151 123",
        "@channel",
        "++49151123",
        "04915112345678",
        "+04915112345678"
      })
  void shouldRejectInvalidRecipientWhenNotAnE164Number(String recipient) {
    assertThat(rules.rejection(whatsapp(recipient), T))
        .contains(RejectionReasons.INVALID_RECIPIENT);
  }

  @Test
  void shouldRejectContentTooLongWhenOverPlatformLimit() {
    String limit = "x".repeat(4096);

    assertThat(rules.rejection(row().content(limit).build(), T)).isEmpty();
    assertThat(rules.rejection(row().content(limit + "x").build(), T))
        .contains(RejectionReasons.CONTENT_TOO_LONG);
  }

  /**
   * Telegram counts a text's length in UTF-16 code units (as its entity offsets), so an emoji
   * outside the Basic Multilingual Plane counts twice, here as in the client.
   */
  @Test
  void shouldCountUtf16CodeUnitsWhenContentHasEmoji() {
    String emoji = "\uD83D\uDC8A";

    assertThat(rules.rejection(row().content(emoji.repeat(2048)).build(), T)).isEmpty();
    assertThat(rules.rejection(row().content(emoji.repeat(2049)).build(), T))
        .contains(RejectionReasons.CONTENT_TOO_LONG);
  }

  @Test
  void shouldRejectInvalidParametersWhenNotObjectOrArray() {
    assertThat(rules.rejection(row().parameters(JSON.textNode("10mg")).build(), T))
        .contains(RejectionReasons.INVALID_PARAMETERS);
    assertThat(rules.rejection(row().parameters(JSON.numberNode(3)).build(), T))
        .contains(RejectionReasons.INVALID_PARAMETERS);
  }

  @Test
  void shouldAcceptParametersWhenAbsentObjectOrArray() {
    assertThat(rules.rejection(row().parameters(null).build(), T)).isEmpty();
    assertThat(rules.rejection(row().parameters(JSON.nullNode()).build(), T)).isEmpty();
    assertThat(rules.rejection(row().parameters(JSON.arrayNode().add("a")).build(), T)).isEmpty();
  }

  @Test
  void shouldRejectMaxAttemptsExceededWithLastErrorWhenAttemptsReachMax() {
    MessageRow row = row().attempts(5, T).errorMessage("platform_unavailable:503");

    assertThat(rules.rejection(row.build(), T))
        .contains("max_attempts_exceeded:platform_unavailable:503");
    assertThat(rules.rejection(row.attempts(4, T).build(), T)).isEmpty();
  }

  @Test
  void shouldRejectMaxAttemptsExceededWhenNoLastError() {
    assertThat(rules.rejection(row().attempts(6, T).build(), T))
        .contains(RejectionReasons.MAX_ATTEMPTS_EXCEEDED);
  }

  @Test
  void shouldRejectDeliveryWindowExpiredWhenPastScheduledTimePlusWindow() {
    MessageRow row = row().deliveryWindow(60);

    assertThat(rules.rejection(row.build(), T.plusSeconds(60))).isEmpty();
    assertThat(rules.rejection(row.build(), T.plusSeconds(60).plusMillis(1)))
        .contains(RejectionReasons.DELIVERY_WINDOW_EXPIRED);
  }

  @Test
  void shouldNeverExpireWhenDeliveryWindowIsNull() {
    assertThat(rules.rejection(row().deliveryWindow(null).build(), T.plusSeconds(86_400 * 30)))
        .isEmpty();
  }

  @Test
  void shouldGiveReasonClassWithoutDetailWhenReasonHasDetail() {
    assertThat(RejectionReasons.reasonClass("max_attempts_exceeded:timeout"))
        .isEqualTo(RejectionReasons.MAX_ATTEMPTS_EXCEEDED);
    assertThat(RejectionReasons.reasonClass(RejectionReasons.INVALID_RECIPIENT))
        .isEqualTo(RejectionReasons.INVALID_RECIPIENT);
  }

  private static org.schedmsg.contracts.ScheduledMessage whatsapp(String recipient) {
    return row().platform(Platform.WHATSAPP).recipient(recipient).build();
  }
}

package org.schedmsg.sender.telegram.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.schedmsg.sender.core.client.SendResult;

/** The mapping table of the README, row by row. */
class TelegramResponsesTest {
  @Test
  void shouldDeliverWithMessageIdWhenOkIsTrue() {
    assertThat(
            TelegramResponses.classify(
                200,
                "{\"ok\":true,\"result\":{\"message_id\":4711,\"date\":1,\"chat\":{\"id\":1}}}"))
        .isEqualTo(new SendResult.Delivered("4711"));
  }

  @Test
  void shouldFailPermanentlyWhenSuccessAnswerIsUnreadable() {
    assertThat(TelegramResponses.classify(200, "<html>"))
        .isEqualTo(new SendResult.Permanent("telegram:unreadable_success_response"));
  }

  @Test
  void shouldFailPermanentlyWithSlugWhenBadRequest() {
    assertThat(
            TelegramResponses.classify(
                400,
                "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}"))
        .isEqualTo(new SendResult.Permanent("telegram:400:chat_not_found"));
  }

  @Test
  void shouldFailPermanentlyWhenForbidden() {
    assertThat(
            TelegramResponses.classify(
                403,
                "{\"ok\":false,\"error_code\":403,"
                    + "\"description\":\"Forbidden: user is deactivated\"}"))
        .isEqualTo(new SendResult.Permanent("telegram:403:user_is_deactivated"));
  }

  @Test
  void shouldPauseBotForConfiguredBackoffWhenRateLimitNamesNoWait() {
    assertThat(TelegramResponses.classify(429, "{\"ok\":false,\"error_code\":429}"))
        .isEqualTo(new SendResult.RateLimited("telegram:429", SendResult.Scope.PLATFORM, null));
  }

  @Test
  void shouldStopPlatformAsFatalWhenUnauthorizedOrNotFound() {
    assertThat(TelegramResponses.classify(401, "{\"ok\":false,\"error_code\":401}"))
        .isEqualTo(new SendResult.Fatal("telegram:401_unauthorized"));
    assertThat(TelegramResponses.classify(404, "{\"ok\":false,\"error_code\":404}"))
        .isEqualTo(new SendResult.Fatal("telegram:404_not_found"));
  }

  @Test
  void shouldBeAmbiguousWhenServerErrorHasNoJsonBody() {
    assertThat(TelegramResponses.classify(503, ""))
        .isEqualTo(new SendResult.Ambiguous("telegram:503"));
  }

  @Test
  void shouldCutSlugToSixtyCharactersWhenDescriptionIsLong() {
    String slug = TelegramResponses.slug("Bad Request: " + "very long words ".repeat(10));

    assertThat(slug).hasSizeLessThanOrEqualTo(60).doesNotEndWith("_").startsWith("very_long");
  }

  @Test
  void shouldSlugWholeDescriptionWhenItHasNoColon() {
    assertThat(TelegramResponses.slug("Too Many Requests")).isEqualTo("too_many_requests");
    assertThat(TelegramResponses.classify(429, "{}"))
        .isEqualTo(new SendResult.RateLimited("telegram:429", SendResult.Scope.PLATFORM, null));
  }

  @Test
  void shouldReadNewChatIdWhenGroupWasMigrated() {
    String body =
        "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: group chat was"
            + " upgraded to a supergroup chat\",\"parameters\":{\"migrate_to_chat_id\":-1001}}";

    assertThat(TelegramResponses.migrateToChatId(400, body)).isEqualTo(-1001L);
    assertThat(TelegramResponses.migrateToChatId(403, body)).isNull();
  }
}

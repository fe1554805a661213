package org.schedmsg.sender.core.retry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SeriesEndingFailuresTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "telegram:403:bot_was_blocked_by_the_user",
        "telegram:403:user_is_deactivated",
        "telegram:400:chat_not_found",
        "whatsapp:131026",
        "whatsapp:131021",
        "invalid_recipient",
        "invalid_recurrence:unknown_timezone"
      })
  void shouldEndSeriesWhenRecipientIsUnreachable(String reason) {
    assertThat(SeriesEndingFailures.endsSeries(reason)).isTrue();
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "delivery_window_expired",
        "max_attempts_exceeded:telegram:429",
        "max_attempts_exceeded:connection_failed",
        "outcome_unknown:telegram:502",
        "telegram:400:message_is_too_long",
        "whatsapp:131047",
        "whatsapp:131049"
      })
  void shouldContinueSeriesWhenFailureIsAboutThisOccurrence(String reason) {
    assertThat(SeriesEndingFailures.endsSeries(reason)).isFalse();
  }
}

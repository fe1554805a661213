package org.schedmsg.recurrence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecurrencePatternTest {

  @Test
  void shouldReadAllFieldsWhenPatternIsComplete() {
    RecurrencePattern pattern =
        RecurrencePattern.parse(
            "{\"rrule\": \"FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0\", \"timezone\": \"Europe/Berlin\","
                + " \"until\": \"2026-12-31T23:59:59Z\", \"count\": 60}");

    assertThat(pattern.rrule()).isEqualTo("FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0");
    assertThat(pattern.timezone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(pattern.until()).isEqualTo(Instant.parse("2026-12-31T23:59:59Z"));
    assertThat(pattern.count()).isEqualTo(60);
  }

  @Test
  void shouldLeaveUntilAndCountEmptyWhenAbsent() {
    RecurrencePattern pattern =
        RecurrencePattern.parse("{\"rrule\": \"FREQ=WEEKLY\", \"timezone\": \"UTC\"}");

    assertThat(pattern.until()).isNull();
    assertThat(pattern.count()).isNull();
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not json | not_json",
        "[] | not_an_object",
        "{\"timezone\": \"UTC\"} | missing_rrule",
        "{\"rrule\": \"FREQ=DAILY\"} | missing_timezone",
        "{\"rrule\": \"FREQ=DAILY\", \"timezone\": \"Mars/Olympus\"} | unknown_timezone",
        "{\"rrule\": \"FREQ=FORTNIGHTLY\", \"timezone\": \"UTC\"} | invalid_rrule",
        "{\"rrule\": \"FREQ=DAILY;BYHOUR=25\", \"timezone\": \"UTC\"} | invalid_rrule",
        "{\"rrule\": \"FREQ=DAILY\", \"timezone\": \"UTC\", \"until\": \"tomorrow\"} | invalid_until",
        "{\"rrule\": \"FREQ=DAILY\", \"timezone\": \"UTC\", \"count\": 0} | count_not_positive",
        "{\"rrule\": \"FREQ=DAILY\", \"timezone\": \"UTC\", \"count\": 1.5} | count_not_an_integer",
        "{\"rrule\": 7, \"timezone\": \"UTC\"} | rrule_not_a_string",
        "{\"rrule\": \"FREQ=DAILY\", \"timezone\": \"UTC\", \"every\": 2} | unknown_field"
      })
  void shouldNameTheFaultWhenPatternIsInvalid(String json, String reason) {
    assertThatThrownBy(() -> RecurrencePattern.parse(json))
        .isInstanceOfSatisfying(
            InvalidRecurrenceException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.errorMessage()).isEqualTo("invalid_recurrence:" + reason);
            });
  }
}

package org.schedmsg.recurrence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SeriesLinkTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void shouldStartOwnSeriesWhenMetadataHasNoLink() throws Exception {
    UUID id = UUID.randomUUID();

    SeriesLink link =
        SeriesLink.of(
            id, Instant.parse("2026-07-01T06:00:00.250Z"), BERLIN, MAPPER.readTree("{\"a\":1}"));

    assertThat(link).isEqualTo(new SeriesLink(id, 1, LocalDateTime.parse("2026-07-01T08:00")));
  }

  @Test
  void shouldCarrySeriesIdAndStartWhenLinkingNextOccurrence() {
    UUID series = UUID.randomUUID();
    SeriesLink first = new SeriesLink(series, 1, LocalDateTime.parse("2026-07-01T08:00"));
    Occurrence second = new Occurrence(Instant.parse("2026-07-01T18:00:00Z"), 2);

    SeriesLink next = first.next(second);

    assertThat(next.toJson().toString())
        .isEqualTo(
            "{\"series_id\":\""
                + series
                + "\",\"occurrence\":2,"
                + "\"series_start\":\"2026-07-01T08:00\"}");
    assertThat(SeriesLink.of(UUID.randomUUID(), second.time(), BERLIN, next.toJson()))
        .isEqualTo(next);
    assertThat(first.idOf(second)).isEqualTo(NextOccurrence.occurrenceId(series, second.time()));
  }

  @Test
  void shouldRejectLinkWhenSeriesIdIsNotUuid() throws Exception {
    assertThatThrownBy(
            () ->
                SeriesLink.of(
                    UUID.randomUUID(),
                    Instant.EPOCH,
                    BERLIN,
                    MAPPER.readTree(
                        "{\"series_id\":\"x\",\"occurrence\":2,"
                            + "\"series_start\":\"2026-07-01T08:00\"}")))
        .isInstanceOf(InvalidRecurrenceException.class);
  }
}

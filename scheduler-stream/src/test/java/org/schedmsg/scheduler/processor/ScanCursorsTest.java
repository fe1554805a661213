package org.schedmsg.scheduler.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.Platform;
import org.schedmsg.scheduler.store.DueIndexKey;

class ScanCursorsTest {
  static final Instant T = Instant.parse("2026-11-28T08:00:00Z");
  static final Platform TG = Platform.TELEGRAM;

  private final ScanCursors cursors = new ScanCursors();

  @Test
  void shouldStartAtFirstKeyOfPriorityWhenNothingHandled() {
    assertThat(cursors.from(TG, 4)).isEqualTo(DueIndexKey.first(TG, 4));
  }

  @Test
  void shouldResumeAtLastHandledKeyWhenScannedBefore() {
    DueIndexKey handled = DueIndexKey.of(TG, 4, T, UUID.randomUUID());
    cursors.handled(handled);

    assertThat(cursors.from(TG, 4)).isEqualTo(handled);
    assertThat(cursors.from(TG, 5)).isEqualTo(DueIndexKey.first(TG, 5));
    assertThat(cursors.from(Platform.WHATSAPP, 4))
        .isEqualTo(DueIndexKey.first(Platform.WHATSAPP, 4));
  }

  @Test
  void shouldMoveBackWhenEntryIndexedBeforeCursor() {
    DueIndexKey handled = DueIndexKey.of(TG, 4, T, UUID.randomUUID());
    cursors.handled(handled);
    DueIndexKey earlier = DueIndexKey.of(TG, 4, T.minusSeconds(5), UUID.randomUUID());
    DueIndexKey later = DueIndexKey.of(TG, 4, T.plusSeconds(30), UUID.randomUUID());

    cursors.indexed(later);
    assertThat(cursors.from(TG, 4)).isEqualTo(handled);
    cursors.indexed(earlier);
    assertThat(cursors.from(TG, 4)).isEqualTo(earlier);
  }
}

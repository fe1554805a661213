package org.schedmsg.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.Platform;

class DueIndexKeyTest {
  static final Instant T = Instant.parse("2026-11-28T08:00:00Z");
  static final UUID LOW_ID = new UUID(0x0000_0000_0000_0001L, 5L);
  static final UUID HIGH_ID = new UUID(0xF000_0000_0000_0000L, 0L);
  static final Platform TG = Platform.TELEGRAM;
  static final Platform WA = Platform.WHATSAPP;

  @Test
  void shouldSortByPriorityThenDueThenIdWhenComparedAsBytes() {
    List<DueIndexKey> expected =
        List.of(
            DueIndexKey.of(TG, 1, T.plusSeconds(60), HIGH_ID),
            DueIndexKey.of(TG, 2, T.minusSeconds(60), HIGH_ID),
            DueIndexKey.of(TG, 2, T, LOW_ID),
            DueIndexKey.of(TG, 2, T, HIGH_ID),
            DueIndexKey.of(TG, 2, T.plusMillis(1), LOW_ID),
            DueIndexKey.of(TG, 9, T, LOW_ID));
    List<Bytes> shuffled = new ArrayList<>(expected.stream().map(DueIndexKey::toBytes).toList());
    Collections.shuffle(shuffled);
    Collections.sort(shuffled);

    assertThat(shuffled.stream().map(DueIndexKey::fromBytes).toList())
        .containsExactlyElementsOf(expected);
  }

  @Test
  void shouldRoundTripWhenEncoded() {
    DueIndexKey key = DueIndexKey.of(TG, 4, T, UUID.randomUUID());

    assertThat(key.toBytes().get()).hasSize(DueIndexKey.SIZE);
    assertThat(DueIndexKey.fromBytes(key.toBytes())).isEqualTo(key);
  }

  @Test
  void shouldClampPriorityWhenOutsideOneToNine() {
    assertThat(DueIndexKey.of(TG, 0, T, LOW_ID).priority()).isEqualTo(1);
    assertThat(DueIndexKey.of(TG, -3, T, LOW_ID).priority()).isEqualTo(1);
    assertThat(DueIndexKey.of(TG, 10, T, LOW_ID).priority()).isEqualTo(9);
    assertThat(DueIndexKey.of(TG, 5, T, LOW_ID).priority()).isEqualTo(5);
  }

  @Test
  void shouldRoundDueUpWhenInstantHasSubMillisecondPart() {
    assertThat(DueIndexKey.of(TG, 5, T.plusNanos(1), LOW_ID).dueEpochMillis())
        .isEqualTo(T.toEpochMilli() + 1);
    assertThat(DueIndexKey.of(TG, 5, T, LOW_ID).dueEpochMillis()).isEqualTo(T.toEpochMilli());
  }

  @Test
  void shouldCountAsEpochZeroWhenDueBefore1970() {
    assertThat(
            DueIndexKey.of(TG, 5, Instant.parse("1969-12-31T00:00:00Z"), LOW_ID).dueEpochMillis())
        .isZero();
  }

  @Test
  void shouldOrderLikeItsBytesWhenCompared() {
    Random random = new Random(11);
    List<DueIndexKey> keys = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      // few distinct due times and high id bits, so that ties are common; negative id halves
      // (high bit set) sort after positive ones, as unsigned bytes do
      long due = random.nextInt(3) * (Long.MAX_VALUE / 3);
      UUID id = new UUID(random.nextInt(3) - 1L, random.nextLong());
      keys.add(new DueIndexKey(random.nextBoolean() ? TG : WA, 1 + random.nextInt(9), due, id));
    }
    keys.add(DueIndexKey.first(TG, 1));
    keys.add(DueIndexKey.last(WA, 9, T));

    List<DueIndexKey> byCompareTo = keys.stream().sorted().toList();
    List<DueIndexKey> byBytes =
        keys.stream().map(DueIndexKey::toBytes).sorted().map(DueIndexKey::fromBytes).toList();

    assertThat(byCompareTo).containsExactlyElementsOf(byBytes);
    assertThat(byCompareTo.get(0)).isEqualTo(DueIndexKey.first(TG, 1));
  }

  @Test
  void shouldCoverOnePriorityUpToInstantWhenScanBoundsUsed() {
    DueIndexKey from = DueIndexKey.first(TG, 3);
    DueIndexKey to = DueIndexKey.last(TG, 3, T);

    assertThat(within(DueIndexKey.of(TG, 3, Instant.EPOCH, LOW_ID), from, to)).isTrue();
    assertThat(within(DueIndexKey.of(TG, 3, T, HIGH_ID), from, to)).isTrue();
    assertThat(within(DueIndexKey.of(TG, 3, T.plusMillis(1), LOW_ID), from, to)).isFalse();
    assertThat(within(DueIndexKey.of(TG, 2, T, HIGH_ID), from, to)).isFalse();
    assertThat(within(DueIndexKey.of(TG, 4, Instant.EPOCH, LOW_ID), from, to)).isFalse();
  }

  @Test
  void shouldKeepPlatformsApartWhenScanBoundsUsed() {
    DueIndexKey from = DueIndexKey.first(WA, 1);
    DueIndexKey to = DueIndexKey.last(WA, 9, T);

    assertThat(within(DueIndexKey.of(WA, 1, Instant.EPOCH, LOW_ID), from, to)).isTrue();
    assertThat(within(DueIndexKey.of(TG, 1, Instant.EPOCH, LOW_ID), from, to)).isFalse();
    assertThat(within(DueIndexKey.of(TG, 9, T, HIGH_ID), from, to)).isFalse();
    assertThat(DueIndexKey.fromBytes(DueIndexKey.of(WA, 2, T, LOW_ID).toBytes()).platform())
        .isEqualTo(WA);
  }

  private static boolean within(DueIndexKey key, DueIndexKey from, DueIndexKey to) {
    return key.compareTo(from) >= 0 && key.compareTo(to) <= 0;
  }
}

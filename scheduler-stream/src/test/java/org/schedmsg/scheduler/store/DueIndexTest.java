package org.schedmsg.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.Platform;

class DueIndexTest {
  static final Instant T = Instant.parse("2026-11-28T08:00:00Z");
  static final Platform TG = Platform.TELEGRAM;
  static final Platform WA = Platform.WHATSAPP;

  private final DueIndex index = new DueIndex(SchedulerStores.DUE_INDEX);

  @Test
  void shouldMatchSortedSetWhenKeysAreAddedAndRemovedInAnyOrder() {
    Random random = new Random(3);
    TreeSet<DueIndexKey> expected = new TreeSet<>();
    List<DueIndexKey> added = new ArrayList<>();
    // enough keys for many chunks; then removals until chunks shrink and merge
    for (int step = 0; step < 60_000; step++) {
      boolean removing = step > 30_000 ? random.nextInt(10) < 8 : random.nextInt(10) < 3;
      if (removing && !added.isEmpty()) {
        DueIndexKey key = added.remove(random.nextInt(added.size()));
        assertThat(index.remove(key)).isEqualTo(expected.remove(key));
      } else {
        DueIndexKey key = randomKey(random, TG, 5);
        assertThat(index.add(key)).isEqualTo(expected.add(key));
        added.add(key);
      }
      if (step % 997 == 0) {
        DueIndexKey probe = randomKey(random, TG, 5);
        assertThat(index.ceiling(probe)).isEqualTo(expected.ceiling(probe));
      }
    }

    assertThat(index.keys()).containsExactlyElementsOf(expected);
    assertThat(index.size()).isEqualTo(expected.size());
  }

  @Test
  void shouldKeepDueOrderWhenKeysArriveInDueOrderAndLeaveFromTheFront() {
    List<DueIndexKey> keys = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      keys.add(DueIndexKey.of(TG, 3, T.plusMillis(i), UUID.randomUUID()));
    }
    keys.forEach(index::add);

    for (int i = 0; i < 900; i++) {
      assertThat(index.ceiling(DueIndexKey.first(TG, 3))).isEqualTo(keys.get(i));
      assertThat(index.remove(keys.get(i))).isTrue();
    }

    assertThat(index.keys()).containsExactlyElementsOf(keys.subList(900, 1000));
  }

  @Test
  void shouldFindNothingOfOtherPlatformOrPriorityWhenScanningFromFirstKey() {
    DueIndexKey telegram = DueIndexKey.of(TG, 2, T, UUID.randomUUID());
    DueIndexKey lowerPriority = DueIndexKey.of(WA, 3, T, UUID.randomUUID());
    index.add(telegram);
    index.add(lowerPriority);

    assertThat(index.ceiling(DueIndexKey.first(WA, 2))).isNull();
    assertThat(index.ceiling(DueIndexKey.first(TG, 2))).isEqualTo(telegram);
    assertThat(index.ceiling(DueIndexKey.first(WA, 3))).isEqualTo(lowerPriority);
    assertThat(index.ceiling(DueIndexKey.last(TG, 2, T))).isNull();
    assertThat(index.keys()).containsExactly(telegram, lowerPriority);
  }

  @Test
  void shouldHoldNothingWhenCleared() {
    index.add(DueIndexKey.of(TG, 2, T, UUID.randomUUID()));
    index.add(DueIndexKey.of(WA, 9, T, UUID.randomUUID()));

    index.clear();

    assertThat(index.size()).isZero();
    assertThat(index.keys()).isEmpty();
  }

  /** A key with few distinct due times and id halves, so that ties need every part of the order. */
  private static DueIndexKey randomKey(Random random, Platform platform, int priority) {
    long due = T.toEpochMilli() + random.nextInt(5_000);
    UUID id = new UUID(random.nextInt(4) - 2L, random.nextLong());
    return new DueIndexKey(platform, priority, due, id);
  }
}

package org.schedmsg.sender.core.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The group commit rule: a caller alone is written alone at once; callers that arrive while a group
 * is being written are written together next, each getting its own result; a failure that would
 * repeat is found by writing the members alone, an outage is every member's.
 */
class GroupCommitTest {
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /** Records every group written; the first group waits until {@code firstMayFinish} opens. */
  private static final class Store implements Function<List<String>, List<String>> {
    final List<List<String>> groups = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch firstStarted = new CountDownLatch(1);
    final CountDownLatch firstMayFinish = new CountDownLatch(1);
    volatile RuntimeException failWhenGroupHas;
    volatile String poison;

    @Override
    public List<String> apply(List<String> group) {
      groups.add(List.copyOf(group));
      if (groups.size() == 1) {
        firstStarted.countDown();
        try {
          firstMayFinish.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (poison != null && group.contains(poison)) {
        throw failWhenGroupHas;
      }
      List<String> out = new ArrayList<>();
      for (String input : group) {
        out.add("written:" + input);
      }
      return out;
    }
  }

  private static GroupCommit<String, String> commit(Store store, int maxGroup) {
    return new GroupCommit<>(
        store, e -> !(e instanceof StatusStoreException s) || !s.isTransient(), maxGroup);
  }

  private static int waitingThreads(List<Thread> threads) {
    int n = 0;
    for (Thread t : threads) {
      if (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.BLOCKED) {
        n++;
      }
    }
    return n;
  }

  /** Starts {@code inputs} behind a first write that holds the store until released. */
  private List<Future<String>> queueBehindFirst(
      GroupCommit<String, String> commit, Store store, List<String> inputs, Future<?>[] first)
      throws InterruptedException {
    first[0] = threads.submit(() -> commit.submit("first"));
    assertThat(store.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
    List<Thread> callers = Collections.synchronizedList(new ArrayList<>());
    List<Future<String>> futures = new ArrayList<>();
    for (String input : inputs) {
      futures.add(
          threads.submit(
              () -> {
                callers.add(Thread.currentThread());
                return commit.submit(input);
              }));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> callers.size() == inputs.size() && waitingThreads(callers) == inputs.size());
    return futures;
  }

  @Test
  void shouldWriteCallerAloneAtOnceWhenNothingElseIsWaiting() {
    Store store = new Store();
    store.firstMayFinish.countDown();

    assertThat(commit(store, 8).submit("a")).isEqualTo("written:a");
    assertThat(commit(store, 8).submit("b")).isEqualTo("written:b");

    assertThat(store.groups).containsExactly(List.of("a"), List.of("b"));
  }

  @Test
  void shouldWriteCallersThatArriveDuringAWriteAsOneGroupEachWithItsOwnResult() throws Exception {
    Store store = new Store();
    GroupCommit<String, String> commit = commit(store, 8);
    Future<?>[] first = new Future<?>[1];
    List<Future<String>> queued = queueBehindFirst(commit, store, List.of("b", "c", "d"), first);

    store.firstMayFinish.countDown();

    assertThat(first[0].get(10, TimeUnit.SECONDS)).isEqualTo("written:first");
    assertThat(queued.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("written:b");
    assertThat(queued.get(1).get(10, TimeUnit.SECONDS)).isEqualTo("written:c");
    assertThat(queued.get(2).get(10, TimeUnit.SECONDS)).isEqualTo("written:d");
    assertThat(store.groups).hasSize(2);
    assertThat(store.groups.get(1)).containsExactlyInAnyOrder("b", "c", "d");
  }

  @Test
  void shouldNeverPutMoreThanMaxGroupIntoOneWrite() throws Exception {
    Store store = new Store();
    GroupCommit<String, String> commit = commit(store, 2);
    Future<?>[] first = new Future<?>[1];
    List<Future<String>> queued =
        queueBehindFirst(commit, store, List.of("b", "c", "d", "e", "f"), first);

    store.firstMayFinish.countDown();

    for (Future<String> f : queued) {
      assertThat(f.get(10, TimeUnit.SECONDS)).startsWith("written:");
    }
    assertThat(store.groups)
        .hasSizeGreaterThanOrEqualTo(4)
        .allSatisfy(g -> assertThat(g).hasSizeLessThanOrEqualTo(2));
  }

  /** An error that would repeat (a constraint): only the member that causes it fails. */
  @Test
  void shouldFailOnlyTheMemberThatCausesAnErrorThatWouldRepeat() throws Exception {
    Store store = new Store();
    store.poison = "bad";
    store.failWhenGroupHas =
        new StatusStoreException("record failed", new SQLException("check", "23514"));
    GroupCommit<String, String> commit = commit(store, 8);
    Future<?>[] first = new Future<?>[1];
    List<Future<String>> queued = queueBehindFirst(commit, store, List.of("b", "bad", "d"), first);

    store.firstMayFinish.countDown();

    assertThat(queued.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("written:b");
    assertThatThrownBy(() -> queued.get(1).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(StatusStoreException.class);
    assertThat(queued.get(2).get(10, TimeUnit.SECONDS)).isEqualTo("written:d");
    assertThat(store.groups.subList(2, store.groups.size()))
        .as("each member written alone after the group failed")
        .containsExactlyInAnyOrder(List.of("b"), List.of("bad"), List.of("d"));
  }

  /** An outage is every member's error, and nobody retries it here (the callers' policies do). */
  @Test
  void shouldFailEveryMemberWithoutWritingThemAloneWhenTheStoreIsDown() throws Exception {
    Store store = new Store();
    store.poison = "b";
    store.failWhenGroupHas =
        new StatusStoreException("claim failed", new SQLException("gone", "08006"));
    GroupCommit<String, String> commit = commit(store, 8);
    Future<?>[] first = new Future<?>[1];
    List<Future<String>> queued = queueBehindFirst(commit, store, List.of("b", "c"), first);

    store.firstMayFinish.countDown();

    for (Future<String> f : queued) {
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(StatusStoreException.class);
    }
    assertThat(store.groups).hasSize(2);
  }

  /**
   * A caller interrupted while its group is written still gets its result (nothing is orphaned).
   */
  @Test
  void shouldKeepWaitingForItsResultAndKeepTheInterruptWhenInterrupted() throws Exception {
    Store store = new Store();
    GroupCommit<String, String> commit = commit(store, 8);
    Future<?>[] first = new Future<?>[1];
    List<Thread> caller = Collections.synchronizedList(new ArrayList<>());
    Future<?>[] interruptedAfter = new Future<?>[1];
    List<Future<String>> queued = queueBehindFirst(commit, store, List.of(), first);
    interruptedAfter[0] =
        threads.submit(
            () -> {
              caller.add(Thread.currentThread());
              String result = commit.submit("b");
              return result + (Thread.currentThread().isInterrupted() ? "+interrupted" : "");
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> caller.size() == 1 && caller.get(0).getState() == Thread.State.WAITING);

    caller.get(0).interrupt();
    store.firstMayFinish.countDown();

    assertThat(queued).isEmpty();
    assertThat(interruptedAfter[0].get(10, TimeUnit.SECONDS)).isEqualTo("written:b+interrupted");
    assertThat(store.groups).containsExactly(List.of("first"), List.of("b"));
  }
}

package org.schedmsg.sender.core.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.RejectedMessage;

/**
 * A {@link MessageStatusRepository} whose claims and outcome writes made at the same time by the
 * send threads are written as groups ({@link GroupCommit}): one transaction for every claim that
 * arrived while the previous group was being written, and likewise for outcomes. Each message keeps
 * its own decision and its own compare-and-set; only the transaction (and its WAL flush) is shared.
 * A group member that fails with an error that would repeat fails alone (the others are written
 * again, each alone); an outage fails every member, as it would have failed each.
 *
 * <p>The rest (the release check, rejections, the plain second try of an outcome) is passed
 * through: those are already one statement per poll or rare.
 */
public final class GroupedStatusRepository implements MessageStatusRepository {
  private final MessageStatusRepository delegate;
  private final int maxGroup;
  private final Map<Duration, GroupCommit<DeliveryRequest, Claim>> claims =
      new ConcurrentHashMap<>();
  private final GroupCommit<StatusWrite, Boolean> records;

  /**
   * @param maxGroup the most claims (or outcomes) in one transaction
   */
  public GroupedStatusRepository(MessageStatusRepository delegate, int maxGroup) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.maxGroup = maxGroup;
    this.records =
        new GroupCommit<>(delegate::recordAll, GroupedStatusRepository::isolate, maxGroup);
  }

  /** An error that would repeat: worth finding the one member that causes it. */
  private static boolean isolate(RuntimeException e) {
    return !(e instanceof StatusStoreException store) || !store.isTransient();
  }

  @Override
  public Set<UUID> stillCurrent(Collection<DeliveryRequest> requests) {
    return delegate.stillCurrent(requests);
  }

  @Override
  public Claim claim(DeliveryRequest request, Duration lease) {
    return claims
        .computeIfAbsent(
            lease,
            l ->
                new GroupCommit<>(
                    group -> delegate.claimAll(group, l),
                    GroupedStatusRepository::isolate,
                    maxGroup))
        .submit(request);
  }

  @Override
  public List<Claim> claimAll(List<DeliveryRequest> requests, Duration lease) {
    return delegate.claimAll(requests, lease);
  }

  @Override
  public boolean record(StatusWrite write) {
    return records.submit(write);
  }

  @Override
  public List<Boolean> recordAll(List<StatusWrite> writes) {
    return delegate.recordAll(writes);
  }

  @Override
  public boolean recordPlain(StatusWrite write) {
    return delegate.recordPlain(write);
  }

  @Override
  public boolean failUnusable(DeliveryRequest request, String reason, Instant now) {
    return delegate.failUnusable(request, reason, now);
  }

  @Override
  public boolean reject(RejectedMessage rejection, Instant now) {
    return delegate.reject(rejection, now);
  }
}

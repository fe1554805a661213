package org.schedmsg.sender.core.consume;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.schedmsg.contracts.DeliveryRequest;

/**
 * The order a poll's records are dispatched in: most urgent priority first, then in the order the
 * scheduler released them, then as polled. A poll holds the records of several delivery-topic
 * partitions one partition after the other, each in release order; dispatched as polled, bulk
 * messages of the first partition went out before an urgent one of the next (an urgent message 11th
 * or 12th behind a bulk burst on the local stack).
 */
final class DispatchOrder {
  private DispatchOrder() {}

  /** The indexes of {@code requests} in dispatch order. */
  static List<Integer> of(List<DeliveryRequest> requests) {
    List<Integer> order = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      order.add(i);
    }
    Comparator<Integer> byPriority = Comparator.comparingInt(i -> requests.get(i).priority());
    order.sort(
        byPriority
            .thenComparing(i -> releasedAt(requests.get(i)))
            .thenComparingInt(Integer::intValue));
    return order;
  }

  private static Instant releasedAt(DeliveryRequest request) {
    return request.releasedAt() == null ? Instant.MAX : request.releasedAt();
  }
}

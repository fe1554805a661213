package org.schedmsg.sender.core.client;

import org.schedmsg.contracts.DeliveryRequest;

/**
 * Sends one message through one platform's HTTP API. Implementations classify every answer and
 * every I/O failure into a {@link SendResult}; they throw only for programming errors.
 *
 * <p>Implementations never log or put into exceptions the message text, the recipient id, tokens,
 * URLs that hold tokens, or raw HTTP bodies.
 */
@FunctionalInterface
public interface PlatformClient {
  SendResult send(DeliveryRequest request);
}

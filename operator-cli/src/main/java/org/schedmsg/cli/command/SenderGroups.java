package org.schedmsg.cli.command;

import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;

/**
 * The senders' consumer group names, as the senders default them ({@code SENDER_GROUP_ID}, default
 * {@code <namespace>-sender-<platform>}).
 */
final class SenderGroups {
  private SenderGroups() {}

  static String of(String namespace, Platform platform) {
    return Topics.senderGroupId(namespace, platform);
  }
}

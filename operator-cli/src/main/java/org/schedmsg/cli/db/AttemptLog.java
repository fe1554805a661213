package org.schedmsg.cli.db;

import java.util.List;

/**
 * The latest attempts of a message (oldest first).
 *
 * @param available false when {@code delivery_attempts} is missing (before migration V9) or not
 *     readable by the operator's role
 * @param total how many attempts the message has in all ({@code latest} may be fewer)
 */
public record AttemptLog(boolean available, long total, List<AttemptView> latest) {

  /** The attempt in flight right now, if any. */
  public java.util.Optional<AttemptView> live() {
    return latest.stream().filter(AttemptView::live).findFirst();
  }
}

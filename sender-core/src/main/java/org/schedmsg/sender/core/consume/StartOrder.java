package org.schedmsg.sender.core.consume;

/**
 * Keeps the platform calls of one batch in dispatch (= priority) order although their claims run
 * concurrently: the message dispatched {@code k}-th passes {@link #pass(int)} only after the {@code
 * k-1}-th did, and a message passes just before its platform call starts (never waiting for a call
 * to finish). Without it, the claims' varying round trips reordered sends due at one instant (1,033
 * inversions in a 30,000 burst, none before). Each ticket must pass exactly once, also when its
 * claim failed, or later tickets would wait forever.
 */
final class StartOrder {
  private int next;

  /** Ticket {@code ticket}'s turn: {@link Turn#pass()} passes it once, later calls do nothing. */
  Turn turn(int ticket) {
    return new Turn(ticket);
  }

  /** One ticket's turn. */
  final class Turn {
    private final int ticket;
    private boolean passed;

    private Turn(int ticket) {
      this.ticket = ticket;
    }

    /** Waits for the earlier tickets, then lets the next one go; only the first call counts. */
    void pass() {
      if (!passed) {
        passed = true;
        StartOrder.this.pass(ticket);
      }
    }
  }

  /** Waits until every earlier ticket has passed, then lets the next one go. Not interruptible. */
  synchronized void pass(int ticket) {
    boolean interrupted = false;
    while (next != ticket) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true; // an earlier ticket always passes soon: its claim is one short call
      }
    }
    next = ticket + 1;
    notifyAll();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}

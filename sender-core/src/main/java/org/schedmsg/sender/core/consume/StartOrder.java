package org.schedmsg.sender.core.consume;

/**
 * Keeps the platform calls of one batch in dispatch order although their claims run concurrently:
 * the message dispatched {@code k}-th gets its turn only after the {@code k-1}-th passed its own,
 * and a message passes just before its platform call starts (never waiting for a call to finish).
 * Without it, the claims' varying round trips reordered sends due at one instant. Each ticket must
 * pass exactly once, also when its claim failed, or later tickets would wait forever.
 */
final class StartOrder {
  private int next;

  /** Ticket {@code ticket}'s turn. */
  Turn turn(int ticket) {
    return new Turn(ticket);
  }

  /** Waits, not interruptibly, until {@code ticket} is next: earlier tickets always pass soon. */
  private synchronized void await(int ticket) {
    boolean interrupted = false;
    while (next != ticket) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void advance(int ticket) {
    next = ticket + 1;
    notifyAll();
  }

  /** One ticket's turn; used by one thread. */
  final class Turn {
    private final int ticket;
    private boolean held;
    private boolean passed;

    private Turn(int ticket) {
      this.ticket = ticket;
    }

    /** Waits until every earlier ticket has passed; the turn is then held until {@link #pass}. */
    void await() {
      if (!held && !passed) {
        StartOrder.this.await(ticket);
        held = true;
      }
    }

    /** Waits for the turn if need be, then lets the next ticket go; only the first call counts. */
    void pass() {
      if (!passed) {
        await();
        passed = true;
        advance(ticket);
      }
    }
  }
}

package org.schedmsg.bench;

/** A scheduler under test: started on an arena, it delivers due rows to the fake platform. */
interface Contestant {
  /** The name used in tables and on the command line. */
  String name();

  /** Starts it and returns once it is ready to deliver rows written from now on. */
  AutoCloseable start(Arena arena);
}

package org.schedmsg.bench;

/**
 * A running contestant that takes rows into a store of its own before it can release them (the
 * pipeline: CDC records into the scheduler's state) and can count how many it has taken. Pollers
 * read the table itself and have nothing to ingest.
 */
interface IngestProgress {
  /** Rows (change records) taken so far; grows monotonically, also across restarts. */
  long ingested();
}

package org.schedmsg.bench;

import java.util.List;
import java.util.Optional;

/**
 * The steady load on top of a far-future backlog: the contestant's database is a copy of a template
 * holding {@link BacklogTemplate#rows()} pending rows due in days, and the contestant is started
 * (and, if it ingests, has taken the backlog in: its start time) before the steady inserts begin.
 * No backlog row may be delivered during the run (one that is counts as early).
 */
final class BacklogWorkload implements Workload {
  private final BacklogTemplate template;
  private final SteadyWorkload steady;

  BacklogWorkload(BacklogTemplate template, SteadyWorkload steady) {
    this.template = template;
    this.steady = steady;
  }

  @Override
  public String name() {
    return "backlog-" + template.rows() + "+" + steady.name();
  }

  @Override
  public Optional<BacklogTemplate> backlog() {
    return Optional.of(template);
  }

  @Override
  public List<PlannedMessage> run(RunControl control) {
    return steady.run(control);
  }
}

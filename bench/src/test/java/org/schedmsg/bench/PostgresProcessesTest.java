package org.schedmsg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PostgresProcessesTest {
  @Test
  void shouldReadOwnParentFromProcStatWhenOnLinux() {
    long[] stat = PostgresProcesses.stat(ProcessHandle.current().pid());

    if (stat != null) { // not Linux: nothing to read
      assertThat(stat[0]).isEqualTo(ProcessHandle.current().parent().orElseThrow().pid());
      assertThat(stat[1] + stat[2]).isPositive();
    }
  }
}

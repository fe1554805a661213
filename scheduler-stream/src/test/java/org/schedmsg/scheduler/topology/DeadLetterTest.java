package org.schedmsg.scheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.schedmsg.scheduler.topology.SchedulerDriver.INTERVAL;
import static org.schedmsg.scheduler.topology.SchedulerDriver.START;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.scheduler.MessageRow;
import org.schedmsg.scheduler.config.DeadLetterUndecodableRecordHandler;

class DeadLetterTest {
  @TempDir Path stateDir;

  private SchedulerDriver driver;

  @BeforeEach
  void startDriver() {
    driver = SchedulerDriver.atLeastOnce(SchedulerDriver.defaults(stateDir));
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void shouldDeadLetterWithCoordinatesWhenValueIsNotValidJson() {
    String key = UUID.randomUUID().toString();
    byte[] value = "{not json".getBytes(StandardCharsets.UTF_8);
    RecordHeaders headers = new RecordHeaders();
    headers.add("origin", "debezium".getBytes(StandardCharsets.UTF_8));
    driver.rawCdc().pipeInput(new TestRecord<>(key, value, headers, START));
    driver.pipe(MessageRow.pendingAt(START).build());

    driver.advance(INTERVAL);

    assertThat(driver.telegram.readValuesToList()).hasSize(1);
    TestRecord<byte[], byte[]> dead = driver.deadLetters().readRecord();
    assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo(key);
    assertThat(dead.value()).isEqualTo(value);
    assertThat(header(dead, "origin")).isEqualTo("debezium");
    assertThat(header(dead, DeadLetterUndecodableRecordHandler.HEADER_TOPIC))
        .isEqualTo(driver.config.topics().cdc().name());
    assertThat(header(dead, DeadLetterUndecodableRecordHandler.HEADER_PARTITION)).isEqualTo("0");
    assertThat(header(dead, DeadLetterUndecodableRecordHandler.HEADER_OFFSET)).isEqualTo("0");
    assertThat(header(dead, DeadLetterUndecodableRecordHandler.HEADER_EXCEPTION))
        .contains("Exception");
    assertThat(dead.headers().lastHeader("__streams.errors.message")).isNull();
    assertThat(dead.headers().lastHeader("__streams.errors.stacktrace")).isNull();
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}

package org.schedmsg.sender.core.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.sender.core.retry.Decision;
import org.schedmsg.sender.core.testing.MessageRows;

/**
 * Rows whose JSON the sender cannot work with (METADATA_OBJECT, and the same for parameters and
 * recurrence_pattern). V9's trigger refuses them at INSERT and whenever the column changes, so only
 * rows from before V9 can hold them: the tests make such a legacy row by disabling the trigger in
 * this class's own database while inserting, as V9 leaves a database that already held the row.
 */
class MetadataObjectIT {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final String JSON_SHAPES_TRIGGER = "scheduled_messages_check_json_shapes";
  private static final String METADATA_CHECK = "metadata must be a JSON object";
  private static final String PARAMETERS_CHECK = "parameters must be a JSON object, an array";

  private static DataSource owner;
  private static MessageRows rows;
  private static MessageStatusRepository repository;

  @BeforeAll
  static void database() {
    TestDatabase db = TestInfrastructure.shared().newDatabase();
    owner = db.dataSource();
    rows = new MessageRows(owner);
    repository =
        new JdbcMessageStatusRepository(
            db.dataSource(db.senderUser(), db.senderPassword()), Platform.TELEGRAM);
  }

  private static DeliveryRequest insert(String metadataJson) {
    return rows.insertPending(
        Platform.TELEGRAM,
        "4242",
        "take the blue pill",
        Instant.now().minusSeconds(5),
        3600,
        metadataJson);
  }

  private static Claim.Claimed claimed(DeliveryRequest request) {
    Claim claim = repository.claim(request, LEASE);
    assertThat(claim).isInstanceOf(Claim.Claimed.class);
    return (Claim.Claimed) claim;
  }

  /** METADATA_OBJECT: metadata that is not a JSON object cannot be written any more. */
  @Test
  void shouldRefuseInsertWhenMetadataIsJsonNullOrNotAnObject() {
    for (String metadata : new String[] {"null", "[1, 2]", "\"text\"", "42"}) {
      assertThatThrownBy(() -> insert(metadata))
          .hasRootCauseInstanceOf(SQLException.class)
          .rootCause()
          .satisfies(
              e -> {
                assertThat(((SQLException) e).getSQLState()).isEqualTo("23514");
                assertThat(e.getMessage()).contains(METADATA_CHECK);
              });
    }
    assertThat(rows.read(insert(null).messageId()).metadata()).as("SQL NULL is allowed").isNull();
  }

  @Test
  void shouldRefuseInsertWhenParametersAreAScalar() {
    assertThatThrownBy(() -> template("\"just text\""))
        .hasRootCauseInstanceOf(SQLException.class)
        .rootCause()
        .satisfies(e -> assertThat(e.getMessage()).contains(PARAMETERS_CHECK));
  }

  /** METADATA_OBJECT: a legacy row with metadata 'null'::jsonb ends failed at its claim. */
  @Test
  void shouldFailRowInvalidMetadataAtClaimWhenLegacyRowHoldsJsonNull() {
    DeliveryRequest legacy = legacy(() -> insert("null"));
    Instant before = rows.databaseNow();

    assertThat(repository.claim(legacy, LEASE))
        .isEqualTo(new Claim.Refused(Claim.Refusal.UNUSABLE));

    MessageRows.Row row = rows.read(legacy.messageId());
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.errorMessage()).isEqualTo(MessageStatusRepository.INVALID_METADATA);
    assertThat(row.failedAt()).isBetween(before, rows.databaseNow());
    assertThat(row.attempts()).isZero();
    assertThat(rows.attempts(legacy.messageId())).as("nothing was sent").isEmpty();
  }

  @Test
  void shouldFailRowInvalidMetadataAtClaimWhenLegacyRowHoldsArray() {
    DeliveryRequest legacy = legacy(() -> insert("[\"a\"]"));

    assertThat(repository.claim(legacy, LEASE))
        .isEqualTo(new Claim.Refused(Claim.Refusal.UNUSABLE));

    assertThat(rows.read(legacy.messageId()).errorMessage())
        .isEqualTo(MessageStatusRepository.INVALID_METADATA);
  }

  @Test
  void shouldFailRowInvalidParametersAtClaimWhenLegacyRowHoldsScalar() {
    DeliveryRequest legacy = legacy(() -> template("\"just text\""));

    assertThat(repository.claim(legacy, LEASE))
        .isEqualTo(new Claim.Refused(Claim.Refusal.UNUSABLE));

    MessageRows.Row row = rows.read(legacy.messageId());
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.errorMessage()).isEqualTo(MessageStatusRepository.INVALID_PARAMETERS);
    assertThat(rows.attempts(legacy.messageId())).isEmpty();
  }

  /**
   * METADATA_OBJECT: recording {@code sent} of a row whose metadata is a JSON array (it became one
   * behind the sender's back, triggers off) does not raise: the platform message id replaces the
   * array instead of being appended to it, which the check would refuse.
   */
  @Test
  void shouldRecordSentWithoutRaisingWhenMetadataIsJsonArray() throws SQLException {
    DeliveryRequest request = insert("{\"campaign\":\"flu\"}");
    Claim.Claimed claimed = claimed(request);
    withoutShapeTrigger(
        () -> {
          execute(
              "SET session_replication_role = replica; UPDATE scheduled_messages"
                  + " SET metadata = '[1, 2]'::jsonb WHERE id = '"
                  + request.messageId()
                  + "'; SET session_replication_role = origin");
          return null;
        });
    assertThat(rows.read(request.messageId()).metadata().isArray()).isTrue();
    assertThat(rows.rowVersion(request.messageId())).isOne();
    Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);

    assertThat(
            repository.record(
                new StatusWrite(
                    Decision.Kind.SENT,
                    request.messageId(),
                    claimed.attemptId(),
                    claimed.current().rowVersion(),
                    claimed.attempt(),
                    claimed.claimedAt(),
                    "5501",
                    at,
                    false)))
        .isTrue();

    MessageRows.Row row = rows.read(request.messageId());
    assertThat(row.status()).isEqualTo("sent");
    assertThat(row.sentAt()).isEqualTo(at);
    assertThat(row.metadata().isObject()).isTrue();
    assertThat(row.platformMessageId()).isEqualTo("5501");
  }

  /**
   * A recurring legacy row with parameters the sender cannot use ends failed at its claim, like a
   * single row; its series cannot continue with the same parameters.
   */
  @Test
  void shouldFailRecurringRowInvalidParametersAtClaim() {
    DeliveryRequest legacy =
        legacy(
            () -> {
              DeliveryRequest r = template("\"just text\"");
              execute(
                  "UPDATE scheduled_messages SET recurrence_pattern ="
                      + " '{\"rrule\": \"FREQ=DAILY\", \"timezone\": \"UTC\"}'::jsonb"
                      + " WHERE id = '"
                      + r.messageId()
                      + "'");
              return org.schedmsg.sender.core.testing.TestRequests.withRowVersion(r, 2);
            });

    assertThat(repository.claim(legacy, LEASE))
        .isEqualTo(new Claim.Refused(Claim.Refusal.UNUSABLE));

    MessageRows.Row row = rows.read(legacy.messageId());
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.errorMessage()).isEqualTo(MessageStatusRepository.INVALID_PARAMETERS);
    assertThat(rows.attempts(legacy.messageId())).isEmpty();
  }

  @Test
  void shouldFailRowInvalidRecurrenceAtClaimWhenLegacyRowHoldsPatternThatIsNotAnObject() {
    DeliveryRequest legacy =
        legacy(
            () -> {
              DeliveryRequest r = insert(null);
              execute(
                  "UPDATE scheduled_messages SET recurrence_pattern = '\"daily\"'::jsonb"
                      + " WHERE id = '"
                      + r.messageId()
                      + "'");
              return org.schedmsg.sender.core.testing.TestRequests.withRowVersion(r, 2);
            });

    assertThat(repository.claim(legacy, LEASE))
        .isEqualTo(new Claim.Refused(Claim.Refusal.UNUSABLE));

    MessageRows.Row row = rows.read(legacy.messageId());
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.errorMessage()).isEqualTo("invalid_recurrence:not_an_object");
    assertThat(rows.attempts(legacy.messageId())).isEmpty();
  }

  // ---- helpers ----

  private static DeliveryRequest template(String parametersJson) {
    return rows.insertTemplate(
        Platform.TELEGRAM,
        "4242",
        "take the blue pill",
        Instant.now().minusSeconds(5),
        3600,
        "reminder",
        parametersJson);
  }

  /** {@code insert} run as before V9: the row holds what V9's trigger refuses now. */
  private static DeliveryRequest legacy(Supplier<DeliveryRequest> insert) {
    return withoutShapeTrigger(insert);
  }

  private static <T> T withoutShapeTrigger(Supplier<T> work) {
    execute("ALTER TABLE scheduled_messages DISABLE TRIGGER " + JSON_SHAPES_TRIGGER);
    try {
      return work.get();
    } finally {
      execute("ALTER TABLE scheduled_messages ENABLE TRIGGER " + JSON_SHAPES_TRIGGER);
    }
  }

  private static void execute(String sql) {
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("statement failed", e);
    }
  }
}

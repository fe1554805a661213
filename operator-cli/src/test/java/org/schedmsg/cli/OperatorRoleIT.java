package org.schedmsg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.schedmsg.cli.command.ExitCodes;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.infra.testing.TlsPostgres;

/**
 * The CLI's database roles: without {@code --database-user} the operator's commands connect as
 * {@code schedmsg_operator} and {@code schedule} as {@code schedmsg_upstream}, never as a
 * superuser, and there is no default password (the plaintext local stack trusts these two roles on
 * loopback); against a TLS-only PostgreSQL the {@code --database-ssl-*} options (or {@code
 * DATABASE_SSL_*}) give {@code verify-full} with a client certificate.
 */
class OperatorRoleIT {
  record Run(int exitCode, String out, String err) {}

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = new SchedmsgCli(Clock.systemUTC()).commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void shouldScheduleAsUpstreamAndCancelAsOperatorWhenNoUserIsGiven() {
    TestDatabase db = TestInfrastructure.shared().newDatabase();
    String url = db.jdbcUrl();

    Run schedule =
        cli(
            "schedule",
            "--platform",
            "telegram",
            "--recipient",
            "1",
            "--text",
            "t",
            "--at",
            "+1h",
            "--database-url",
            url);
    assertThat(schedule.exitCode()).as(schedule.err()).isEqualTo(ExitCodes.OK);
    String id = schedule.out().trim();
    assertThat(cli("status", id, "--database-url", url).out())
        .contains("status:            pending");
    assertThat(cli("cancel", id, "--database-url", url).exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(cli("status", id, "--database-url", url).out())
        .contains("status:            cancelled");
  }

  @Test
  void shouldRefuseScheduleWhenItConnectsAsOperatorRole() {
    TestDatabase db = TestInfrastructure.shared().newDatabase();

    Run run =
        cli(
            "schedule",
            "--platform",
            "telegram",
            "--recipient",
            "1",
            "--text",
            "t",
            "--database-url",
            db.jdbcUrl(),
            "--database-user",
            db.operatorUser());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(run.err()).contains("SQLState 42501");
  }

  @Test
  void shouldConnectWithClientCertificateWhenDatabaseRequiresTls() {
    TlsPostgres postgres = TestInfrastructure.tlsPostgres();
    TestDatabase db = postgres.newDatabase();
    String id = UUID.randomUUID().toString();
    List<String> tls =
        List.of(
            "--database-url", db.jdbcUrl(),
            "--database-password", db.operatorPassword(),
            "--database-ssl-root-cert", postgres.certificates().caCertificate().toString(),
            "--database-ssl-cert",
                postgres.certificates().clientCertificate(db.operatorUser()).toString(),
            "--database-ssl-key", postgres.certificates().clientKey(db.operatorUser()).toString());

    Run withTls = cli(concat(List.of("status", id), tls));
    Run plaintext =
        cli(
            "status",
            id,
            "--database-url",
            db.jdbcUrl() + "?sslmode=disable",
            "--database-password",
            db.operatorPassword());

    assertThat(withTls.exitCode()).as(withTls.err()).isEqualTo(ExitCodes.NOT_APPLICABLE);
    assertThat(withTls.err()).doesNotContain("database error");
    assertThat(plaintext.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(plaintext.err()).contains("SQLState 28000");
  }

  private static String[] concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all.toArray(String[]::new);
  }
}

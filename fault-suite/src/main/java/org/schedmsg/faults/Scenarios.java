package org.schedmsg.faults;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.sandbox.FakeWhatsAppServer;
import org.schedmsg.infra.sandbox.ScriptedResponse;

/** The catalog of scenarios, in the order the suite runs them. */
final class Scenarios {
  private Scenarios() {}

  /**
   * The short subset {@code .ci/run} runs ({@code ./faults --ci}, a few minutes): a crash of each
   * service kind at its worst moment and a database restart.
   */
  static final List<String> CI =
      List.of("sigkill-ingestor", "sigkill-scheduler", "sigkill-sender", "postgres-restart");

  static List<Scenario> all() {
    return List.of(
        new Baseline(),
        new KillIngestorMidBurst(),
        new KillSchedulerDuringRelease(),
        new KillSenderAfterPlatformAnswer(),
        new FreezeSenderBeyondLease(),
        new BrokerOutage(),
        new PostgresFastRestart(),
        new TerminateWalSender(),
        new PlatformErrorStorm(),
        new ReplayAfterSent(),
        new CdcReplayAfterSent(),
        new CancelRace(),
        new RollingRestart(),
        new IngestorDownWhileTablesChurn(),
        new ColumnAddedWhileIngestorDown(),
        new LostSlotRecoveredByRunbook(),
        new SchedulerClockAhead(),
        new KillOneOfTwoSchedulers());
  }

  private static boolean isGroupOf(JournalEntry entry, ScenarioContext context, String scenario) {
    return entry.text() != null
        && entry.text().startsWith(context.generator().prefix(scenario) + "group ");
  }

  /** No fault: what the others are compared with. */
  static final class Baseline implements Scenario {
    public String name() {
      return "baseline";
    }

    public String fault() {
      return "none";
    }

    public void run(ScenarioContext context) throws Exception {
      context.load();
    }
  }

  /** SIGKILL of cdc-ingestor halfway through the insert burst; restarted 3 s later. */
  static final class KillIngestorMidBurst implements Scenario {
    public String name() {
      return "sigkill-ingestor";
    }

    public String fault() {
      return "kill -9 cdc-ingestor mid-burst, restart after 3 s";
    }

    public void run(ScenarioContext context) throws Exception {
      ManagedProcess ingestor = context.stack().service(Stack.INGESTOR);
      context.load(
          () -> {
            ingestor.kill9();
            context.fault("kill -9 cdc-ingestor");
          });
      LoadGenerator.pause(Duration.ofSeconds(3));
      ingestor.start();
    }
  }

  /** SIGKILL of scheduler-stream as the first message of the due group reaches a platform. */
  static final class KillSchedulerDuringRelease implements Scenario {
    public String name() {
      return "sigkill-scheduler";
    }

    public String fault() {
      return "kill -9 scheduler-stream at the group's release, restart after 2 s";
    }

    public void run(ScenarioContext context) throws Exception {
      ManagedProcess scheduler = context.stack().service(Stack.SCHEDULER);
      if (context.loadWithFaultAtAnswer(
              entry -> isGroupOf(entry, context, name()),
              () -> {
                scheduler.kill9();
                context.schedulerKilled();
                context.fault("kill -9 scheduler-stream");
              },
              "the group never reached a platform: fault not injected")
          == null) {
        return;
      }
      LoadGenerator.pause(Duration.ofSeconds(2));
      scheduler.start();
    }
  }

  /**
   * The scheduler's clock 3 s ahead of the database's (the host's): it releases 3 s early, which
   * the senders' claim must absorb (never early by the database's clock), and every change looks 3
   * s old to it (more than SCHEDULER_CATCH_UP_LAG).
   */
  static final class SchedulerClockAhead implements Scenario {
    static final Duration OFFSET = Duration.ofSeconds(3);

    public String name() {
      return "clock-ahead";
    }

    public String fault() {
      return "scheduler-stream restarted with its clock " + OFFSET.toSeconds() + " s ahead";
    }

    public void run(ScenarioContext context) throws Exception {
      ManagedProcess scheduler = context.stack().service(Stack.SCHEDULER);
      ManagedProcess ahead = context.stack().schedulerWithClockAhead(OFFSET);
      scheduler.stop(Duration.ofSeconds(30));
      ahead.start();
      try {
        if (!ManagedProcess.await(ahead::ready, Duration.ofMinutes(2))) {
          context.note("the scheduler with the clock ahead never became ready");
          return;
        }
        context.fault("scheduler-stream clock +" + OFFSET.toSeconds() + " s");
        context.load();
        if (!context.awaitRowsEnded(Duration.ofSeconds(120))) {
          context.note("rows still pending when the clock-ahead scheduler was stopped");
        }
      } finally {
        ahead.stop(Duration.ofSeconds(30));
      }
    }
  }

  /**
   * SIGKILL of one of two scheduler instances as the first message of the due group reaches a
   * platform; not restarted until its tasks have moved to the other instance (the session timeout).
   * Last in the catalog: the second instance stays, so the scenarios after it would run with two.
   */
  static final class KillOneOfTwoSchedulers implements Scenario {
    public String name() {
      return "sigkill-scheduler-of-two";
    }

    public String fault() {
      return "kill -9 one of two scheduler-stream instances at the group's release; the other"
          + " takes its tasks";
    }

    public void run(ScenarioContext context) throws Exception {
      context.stack().secondScheduler(Duration.ofMinutes(3));
      context.note("second scheduler instance started and ready");
      ManagedProcess first = context.stack().service(Stack.SCHEDULER);
      if (context.loadWithFaultAtAnswer(
              entry -> isGroupOf(entry, context, name()),
              () -> {
                first.kill9();
                context.schedulerKilled();
                context.fault("kill -9 scheduler-stream (one of two)");
              },
              "the group never reached a platform: fault not injected")
          == null) {
        return;
      }
      // the survivor takes the killed instance's tasks once its session has expired
      LoadGenerator.pause(Stack.SCHEDULER_SESSION_TIMEOUT.plusSeconds(10));
    }
  }

  /**
   * SIGKILL of sender-telegram at the instant the platform answers 200 to a message of the due
   * group, before the sender reads the answer (so before its status write): the crash window.
   */
  static final class KillSenderAfterPlatformAnswer implements Scenario {
    public String name() {
      return "sigkill-sender";
    }

    public String fault() {
      return "kill -9 sender-telegram between the platform's 200 and the status write";
    }

    public Duration settle() {
      return Stack.CLAIM_LEASE.plusSeconds(150);
    }

    public void run(ScenarioContext context) throws Exception {
      ManagedProcess sender = context.stack().service(Stack.SENDER_TELEGRAM);
      if (context.loadWithFaultAtAnswer(
              entry ->
                  entry.accepted()
                      && "telegram".equals(entry.platform())
                      && isGroupOf(entry, context, name()),
              () -> {
                sender.kill9();
                context.fault("kill -9 sender-telegram after a 200");
                context.senderDiedMidSend();
              },
              "no telegram group message was answered: fault not injected")
          == null) {
        return;
      }
      LoadGenerator.pause(Duration.ofSeconds(2));
      sender.start();
    }
  }

  /**
   * SIGSTOP of sender-whatsapp at the instant the platform answers 200 to a message of the due
   * group; SIGCONT after the claim lease plus 10 s. The frozen sender holds claims past their
   * lease.
   */
  static final class FreezeSenderBeyondLease implements Scenario {
    public String name() {
      return "sigstop-sender";
    }

    public String fault() {
      return "kill -STOP sender-whatsapp after a 200 for lease ("
          + Stack.CLAIM_LEASE.toSeconds()
          + " s) + 10 s, then kill -CONT";
    }

    public Duration settle() {
      return Duration.ofSeconds(180);
    }

    public void run(ScenarioContext context) throws Exception {
      ManagedProcess sender = context.stack().service(Stack.SENDER_WHATSAPP);
      if (context.loadWithFaultAtAnswer(
              entry ->
                  entry.accepted()
                      && "whatsapp".equals(entry.platform())
                      && isGroupOf(entry, context, name()),
              () -> {
                sender.freeze();
                context.fault("kill -STOP sender-whatsapp");
                context.senderDiedMidSend();
              },
              "no whatsapp group message was answered: fault not injected")
          == null) {
        return;
      }
      LoadGenerator.pause(Stack.CLAIM_LEASE.plusSeconds(10));
      sender.thaw();
    }
  }

  /** The broker stopped (SIGTERM) for 30 s while the group comes due, then restarted. */
  static final class BrokerOutage implements Scenario {
    public String name() {
      return "broker-restart";
    }

    public String fault() {
      return "broker stopped 30 s (SIGTERM) and restarted on its port and data";
    }

    public Duration settle() {
      return Duration.ofSeconds(180);
    }

    public void run(ScenarioContext context) throws Exception {
      context.load();
      ManagedProcess broker = context.stack().broker();
      broker.stop(Duration.ofSeconds(60));
      context.fault("broker stopped");
      LoadGenerator.pause(Duration.ofSeconds(30));
      broker.start();
    }
  }

  /** PostgreSQL's fast shutdown while the group waits, restarted 5 s later on the same data. */
  static final class PostgresFastRestart implements Scenario {
    public String name() {
      return "postgres-restart";
    }

    public String fault() {
      return "PostgreSQL fast stop, restart after 5 s";
    }

    public Duration settle() {
      return Duration.ofSeconds(180);
    }

    public void run(ScenarioContext context) throws Exception {
      context.load();
      context.stack().stopPostgres();
      context.fault("PostgreSQL stopped (fast)");
      LoadGenerator.pause(Duration.ofSeconds(5));
      context.stack().startPostgres();
    }
  }

  /** pg_terminate_backend on the ingestor's WAL sender halfway through the burst. */
  static final class TerminateWalSender implements Scenario {
    public String name() {
      return "walsender-terminate";
    }

    public String fault() {
      return "pg_terminate_backend(walsender pid) mid-burst";
    }

    public void run(ScenarioContext context) throws Exception {
      context.load(
          () -> {
            try (Connection c = context.stack().owner();
                Statement s = c.createStatement();
                ResultSet rs =
                    s.executeQuery(
                        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
                            + " FROM pg_stat_replication")) {
              rs.next();
              int terminated = rs.getInt(1);
              if (terminated > 0) {
                context.fault("walsender terminated");
              } else {
                context.note("no walsender found to terminate");
              }
            } catch (java.sql.SQLException e) {
              context.note("terminating the walsender failed: " + e.getSQLState());
            }
          });
    }
  }

  /** 429s with retry_after, then a burst of 5xx, on both platforms, as the load arrives. */
  static final class PlatformErrorStorm implements Scenario {
    public String name() {
      return "platform-429-5xx";
    }

    public String fault() {
      return "6x 429 (retry_after 3 s / rate limit) then 6x 5xx per platform";
    }

    public Duration settle() {
      return Duration.ofSeconds(180);
    }

    public void run(ScenarioContext context) throws Exception {
      FakeTelegramServer telegram = context.stack().telegram();
      FakeWhatsAppServer whatsapp = context.stack().whatsapp();
      ScriptedResponse[] telegramScript = new ScriptedResponse[12];
      ScriptedResponse[] whatsappScript = new ScriptedResponse[12];
      for (int i = 0; i < 6; i++) {
        telegramScript[i] = FakeTelegramServer.tooManyRequests(3);
        whatsappScript[i] = FakeWhatsAppServer.rateLimitHit();
      }
      for (int i = 6; i < 12; i++) {
        telegramScript[i] =
            i % 2 == 0 ? FakeTelegramServer.badGateway() : FakeTelegramServer.internalServerError();
        whatsappScript[i] = FakeWhatsAppServer.internalError();
      }
      telegram.respondWith(telegramScript);
      whatsapp.respondWith(whatsappScript);
      context.fault("platform error storm scripted (both platforms)");
      context.load();
    }
  }

  /**
   * Once every row ended: both senders stopped, both delivery topics replayed from offset 0 with
   * the operator CLI ({@code ./schedmsg replay}), senders started again. Nothing may go out twice.
   */
  static final class ReplayAfterSent implements Scenario {
    public String name() {
      return "replay";
    }

    public String fault() {
      return "./schedmsg replay --from-offset 0 of both delivery topics after everything was sent";
    }

    public Duration settle() {
      return Duration.ofSeconds(60);
    }

    public void run(ScenarioContext context) throws Exception {
      context.load();
      if (!context.awaitRowsEnded(Duration.ofSeconds(120))) {
        context.note("rows still pending before the replay");
      }
      List<ManagedProcess> senders =
          List.of(
              context.stack().service(Stack.SENDER_TELEGRAM),
              context.stack().service(Stack.SENDER_WHATSAPP));
      for (ManagedProcess sender : senders) {
        sender.stop(Duration.ofSeconds(30));
      }
      int replayed = 0;
      for (String platform : LoadGenerator.PLATFORMS) {
        int status =
            context
                .stack()
                .operatorCli(
                    List.of("replay", "--platform", platform, "--from-offset", "0"),
                    Duration.ofMinutes(2));
        if (status == 0) {
          replayed++;
          context.note("replayed " + platform + " from offset 0");
        } else {
          context.note("replay of " + platform + " exited with " + status);
        }
      }
      if (replayed > 0) {
        context.fault("delivery topics replayed");
      }
      for (ManagedProcess sender : senders) {
        sender.start();
      }
      context.stack().awaitAllReady(Duration.ofMinutes(2));
      // the replayed records are consumed now: give the senders time to (not) send them
      LoadGenerator.pause(Duration.ofSeconds(20));
    }
  }

  /** Upstream cancels of the whole due group, sent as the group comes due. */
  static final class CancelRace implements Scenario {
    public String name() {
      return "cancel-race";
    }

    public String fault() {
      return "upstream cancels of all 36 group rows as the first of them reaches a platform";
    }

    public void run(ScenarioContext context) throws Exception {
      CountDownLatch firstSend = new CountDownLatch(1);
      AtomicBoolean once = new AtomicBoolean();
      context
          .stack()
          .journal()
          .onAnswer(
              entry -> {
                if (isGroupOf(entry, context, name()) && once.compareAndSet(false, true)) {
                  context.note(
                      "first group request reached "
                          + entry.platform()
                          + " at "
                          + entry.receivedAt()
                          + " (status "
                          + entry.status()
                          + ")");
                  firstSend.countDown();
                }
              });
      LoadGenerator.Load load;
      try {
        load = context.load();
        // the group's release is under way: the senders' claims and sends race the cancels
        if (!firstSend.await(60, TimeUnit.SECONDS)) {
          context.note("no group message reached a platform: cancels sent without a race");
        }
      } finally {
        context.stack().journal().clearHook();
      }
      List<PlannedMessage> group =
          load.messages().stream().filter(m -> m.kind() == PlannedMessage.Kind.GROUP).toList();
      AtomicInteger cancelled = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        for (int t = 0; t < 4; t++) {
          int slice = t;
          pool.submit(
              () -> {
                try (Connection c = context.stack().upstream()) {
                  for (int i = slice; i < group.size(); i += 4) {
                    if (context.generator().cancel(c, group.get(i).id())) {
                      cancelled.incrementAndGet();
                    }
                  }
                }
                return null;
              });
        }
      } finally {
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.SECONDS);
      }
      context.fault("cancel race");
      context.note(
          cancelled.get()
              + " of "
              + group.size()
              + " racing cancels won (the rest found the row sent or being delivered)");
    }
  }

  /** Every service restarted in turn (SIGTERM, start, ready) while the load is released. */
  static final class RollingRestart implements Scenario {
    public String name() {
      return "rolling-restart";
    }

    public String fault() {
      return "rolling restart (SIGTERM, start, ready) of the four services under load";
    }

    public Duration settle() {
      return Duration.ofSeconds(180);
    }

    public void run(ScenarioContext context) throws Exception {
      context.load();
      for (ManagedProcess service : context.stack().services()) {
        service.stop(Duration.ofSeconds(30));
        service.start();
        context.note("restarted " + service.name());
        ManagedProcess.await(service::ready, Duration.ofSeconds(120));
      }
      context.fault("rolling restart");
    }
  }

  /**
   * cdc-ingestor stopped while another table of the database churns and the load is written: the
   * replication slot keeps the WAL meanwhile (its retained bytes are reported), and the restarted
   * ingestor delivers every change.
   */
  static final class IngestorDownWhileTablesChurn implements Scenario {
    public String name() {
      return "ingestor-down-churn";
    }

    public String fault() {
      return "cdc-ingestor stopped 20 s while another table churns 20,000 rows and the load is"
          + " written";
    }

    public Duration settle() {
      return Duration.ofSeconds(180);
    }

    public void run(ScenarioContext context) throws Exception {
      ManagedProcess ingestor = context.stack().service(Stack.INGESTOR);
      ingestor.stop(Duration.ofSeconds(30));
      context.fault("cdc-ingestor stopped (SIGTERM)");
      long before = retainedWal(context);
      try (Connection c = context.stack().owner();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS fault_churn (id bigserial PRIMARY KEY, v text)");
        s.execute(
            "INSERT INTO fault_churn (v) SELECT repeat(md5(g::text), 8) FROM"
                + " generate_series(1, 20000) g");
        s.execute("DELETE FROM fault_churn");
      }
      context.load();
      long during = retainedWal(context);
      context.note(
          "slot retained WAL: "
              + (before < 0 ? "unknown" : before / 1024 + " KiB")
              + " when stopped, "
              + (during < 0 ? "unknown" : during / 1024 + " KiB")
              + " after the churn and the load");
      LoadGenerator.pause(Duration.ofSeconds(20));
      ingestor.start();
      ManagedProcess.await(ingestor::ready, Duration.ofSeconds(120));
    }
  }

  /**
   * A nullable column is added to scheduled_messages while cdc-ingestor is down, rows are written
   * with it, and the ingestor starts again: the change stream's schema moves under it.
   */
  static final class ColumnAddedWhileIngestorDown implements Scenario {
    public String name() {
      return "column-added";
    }

    public String fault() {
      return "cdc-ingestor stopped, a column added to scheduled_messages, the load written,"
          + " ingestor started";
    }

    public Duration settle() {
      return Duration.ofSeconds(180);
    }

    public void run(ScenarioContext context) throws Exception {
      ManagedProcess ingestor = context.stack().service(Stack.INGESTOR);
      ingestor.stop(Duration.ofSeconds(30));
      try (Connection c = context.stack().owner();
          Statement s = c.createStatement()) {
        s.execute(
            "ALTER TABLE scheduled_messages ADD COLUMN IF NOT EXISTS fault_suite_note text"
                + " DEFAULT 'added while the ingestor was down'");
      }
      context.fault("cdc-ingestor stopped; column fault_suite_note added");
      context.load();
      LoadGenerator.pause(Duration.ofSeconds(3));
      ingestor.start();
      ManagedProcess.await(ingestor::ready, Duration.ofSeconds(120));
    }
  }

  /**
   * After every row of the load was sent, the scheduler is replaced by one with a new application
   * id: no committed offsets and empty stores, so it reads the CDC topic from offset 0 (every
   * version of every row the run wrote, older pending ones included). The senders' claim must keep
   * any re-release from sending again. The new scheduler stays for the rest of the run.
   */
  static final class CdcReplayAfterSent implements Scenario {
    static final String REPLAY_APPLICATION = "schedmsg-scheduler-replayed";

    public String name() {
      return "replay-cdc";
    }

    public String fault() {
      return "scheduler replaced by a new application id after everything was sent: the CDC topic"
          + " read again from offset 0";
    }

    public Duration settle() {
      return Duration.ofSeconds(60);
    }

    public void run(ScenarioContext context) throws Exception {
      context.load();
      if (!context.awaitRowsEnded(Duration.ofSeconds(120))) {
        context.note("rows still pending before the replay");
      }
      ManagedProcess scheduler = context.stack().service(Stack.SCHEDULER);
      scheduler.stop(Duration.ofSeconds(30));
      ManagedProcess replayed =
          context
              .stack()
              .replaceService(
                  Stack.SCHEDULER,
                  Map.of(
                      "SCHEDULER_APPLICATION_ID",
                      REPLAY_APPLICATION,
                      "SCHEDULER_STATE_DIR",
                      context.stack().dataDir("scheduler-state-replayed").toString()));
      replayed.start();
      context.fault("CDC topic replayed from offset 0 by a new scheduler application");
      if (!ManagedProcess.await(replayed::ready, Duration.ofSeconds(120))) {
        context.note("the replaying scheduler was not ready within 120 s");
      }
      // every version has been read and any stale release tried by then
      LoadGenerator.pause(Duration.ofSeconds(30));
    }
  }

  /**
   * The replication slot dropped while cdc-ingestor is down and the load written: the changes of
   * the gap are gone from the WAL. The restarted ingestor must refuse to stream (exit 1, {@code
   * LostSlotException}), and the cdc-ingestor README's runbook must bring every row back: drop a
   * slot created meanwhile, start with a new {@code CDC_ENGINE_NAME} (no offsets: a new slot and a
   * re-snapshot of every row).
   */
  static final class LostSlotRecoveredByRunbook implements Scenario {
    static final String SLOT = "schedmsg_cdc";
    static final String RECOVERY_ENGINE = "schedmsg-cdc-ingestor-after-lost-slot";

    public String name() {
      return "lost-slot";
    }

    public String fault() {
      return "replication slot dropped while cdc-ingestor is down, load written; recovered by the"
          + " runbook (new CDC_ENGINE_NAME, re-snapshot)";
    }

    public Duration settle() {
      return Duration.ofSeconds(180);
    }

    public void run(ScenarioContext context) throws Exception {
      ManagedProcess ingestor = context.stack().service(Stack.INGESTOR);
      ingestor.stop(Duration.ofSeconds(30));
      dropSlot(context);
      context.fault("replication slot " + SLOT + " dropped while cdc-ingestor was down");
      context.load();
      ingestor.start();
      boolean exited = ManagedProcess.await(() -> !ingestor.alive(), Duration.ofSeconds(90));
      context.note(
          exited
              ? "cdc-ingestor refused the lost slot and exited " + ingestor.exitCode()
              : "cdc-ingestor did not exit within 90 s of the lost slot");
      if (!exited) {
        ingestor.stop(Duration.ofSeconds(30));
      }
      // the runbook: drop a slot created meanwhile, start under a new engine name
      dropSlot(context);
      ManagedProcess recovered =
          context
              .stack()
              .replaceService(Stack.INGESTOR, Map.of("CDC_ENGINE_NAME", RECOVERY_ENGINE));
      recovered.start();
      context.note("runbook applied: cdc-ingestor started as " + RECOVERY_ENGINE);
      if (!ManagedProcess.await(recovered::ready, Duration.ofSeconds(120))) {
        context.note("the recovered cdc-ingestor was not ready within 120 s");
      }
    }

    private static void dropSlot(ScenarioContext context) throws java.sql.SQLException {
      try (Connection c = context.stack().owner();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                      + " WHERE slot_name = '"
                      + SLOT
                      + "' AND NOT active")) {
        while (rs.next()) {
          context.note("dropped replication slot " + SLOT);
        }
      }
    }
  }

  /** WAL the ingestor's replication slot keeps, in bytes; -1 when it cannot be read. */
  private static long retainedWal(ScenarioContext context) {
    try (Connection c = context.stack().owner();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT max((pg_current_wal_lsn() - restart_lsn)::bigint)"
                    + " FROM pg_replication_slots")) {
      return rs.next() ? rs.getLong(1) : -1;
    } catch (java.sql.SQLException e) {
      return -1;
    }
  }
}

package dev.convoy.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoy.testing.LocalStack;
import dev.convoy.testing.MovableClock;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The upsert sink through PgBouncer with redshift-jdbc42: exact after replays, cuts and restarts. */
class UpsertSinkIT {

  static final Instant H0 = Instant.parse("2026-11-24T10:00:00Z");
  static final Instant H1 = H0.plus(Duration.ofHours(1));
  static final RetryPolicy FAST = new RetryPolicy(8, Duration.ofMillis(50), Duration.ofSeconds(2));

  private final LocalStack stack = LocalStack.fromEnvironment();
  private final List<String> tables = new ArrayList<>();

  @AfterEach
  void dropTables() throws SQLException {
    try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
      for (String t : tables) {
        TableName name = TableName.parse("test", t);
        for (TableName each : List.of(name, Tables.ledger(name).name(), Tables.deadLetters(name).name())) {
          s.execute("DROP TABLE IF EXISTS " + each.sql());
        }
      }
    }
  }

  @Test
  void theSameBatchTwiceChangesNothingAndALaterBatchUpdatesAndInserts() throws Exception {
    TableSpec spec = buckets();
    try (UpsertSink sink = sink("job-a", spec, UpsertSink.StepProbe.NONE)) {
      sink.prepare();
      var first = sink.upsert(1, List.<Object[]>of(row(H0, "e1", "c1", 3), row(H0, "e2", "c1", 1)));
      assertThat(first).isEqualTo(new UpsertSink.BatchResult(1, false, 2, 2, 0, 0, 1));

      Map<String, Long> afterFirst = contents(spec);
      var replay = sink.upsert(1, List.<Object[]>of(row(H0, "e1", "c1", 99), row(H1, "e9", "c9", 99)));
      assertThat(replay.skipped()).isTrue();
      assertThat(contents(spec)).isEqualTo(afterFirst);

      var second = sink.upsert(2, List.<Object[]>of(row(H0, "e1", "c1", 5), row(H1, "e3", "c2", 7)));
      assertThat(second).isEqualTo(new UpsertSink.BatchResult(2, false, 2, 1, 1, 0, 1));
      assertThat(contents(spec)).containsExactly(
          Map.entry("2026-11-24T10:00:00Z/e1/c1", 5L), Map.entry("2026-11-24T10:00:00Z/e2/c1", 1L),
          Map.entry("2026-11-24T11:00:00Z/e3/c2", 7L));
      assertThat(ledgerRows(spec)).isEqualTo(2);
      assertThat(sink.metrics().snapshot()).satisfies(m -> {
        assertThat(m.batches()).isEqualTo(2);
        assertThat(m.skippedBatches()).isEqualTo(1);
        assertThat(m.rowsInserted()).isEqualTo(3);
        assertThat(m.rowsUpdated()).isEqualTo(1);
      });
    }
  }

  @Test
  void duplicateKeysInOneBatchKeepTheLastRow() throws Exception {
    TableSpec spec = buckets();
    try (UpsertSink sink = sink("job-d", spec, UpsertSink.StepProbe.NONE)) {
      sink.prepare();
      sink.upsert(1, List.<Object[]>of(row(H0, "e1", "c1", 1), row(H0, "e1", "c1", 2)));
      assertThat(contents(spec)).containsExactly(Map.entry("2026-11-24T10:00:00Z/e1/c1", 2L));
    }
  }

  @Test
  void aBackendKilledMidTransactionLeavesNoPartialRowsAndTheRetryCommitsOnce() throws Exception {
    for (UpsertSink.Step step : List.of(UpsertSink.Step.STAGED, UpsertSink.Step.MERGED, UpsertSink.Step.LEDGERED)) {
      TableSpec spec = buckets();
      List<Long> rowsSeenBeforeRetry = new ArrayList<>();
      UpsertSink.StepProbe killOnce = (reached, attempt, connection) -> {
        if (attempt == 1 && reached == step) terminate(connection);
        if (attempt == 2 && reached == UpsertSink.Step.STAGED) rowsSeenBeforeRetry.add((long) contents(spec).size());
      };
      try (UpsertSink sink = sink("job-k", spec, killOnce)) {
        sink.prepare();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) rows.add(row(H0, "e" + i, "c" + (i % 7), i));
        var result = sink.upsert(7, rows);
        assertThat(result.attempts()).as("attempts when killed at %s", step).isEqualTo(2);
        assertThat(rowsSeenBeforeRetry).as("rows visible after the kill at %s", step).containsExactly(0L);
        assertThat(contents(spec)).hasSize(2_500).containsEntry("2026-11-24T10:00:00Z/e42/c0", 42L);
        assertThat(ledgerRows(spec)).isEqualTo(1);
        assertThat(sink.metrics().snapshot().retries()).isEqualTo(1);
        assertThat(sink.upsert(7, rows).skipped()).isTrue();
      }
    }
  }

  @Test
  void aPgBouncerRestartMidTransactionIsRetriedAndCommitsOnce() throws Exception {
    TableSpec spec = buckets();
    UpsertSink.StepProbe restartOnce = (reached, attempt, connection) -> {
      if (attempt == 1 && reached == UpsertSink.Step.MERGED) restartPgBouncer();
    };
    try (UpsertSink sink = sink("job-p", spec, restartOnce)) {
      sink.prepare();
      var result = sink.upsert(3, List.<Object[]>of(row(H0, "e1", "c1", 11), row(H1, "e2", "c1", 12)));
      assertThat(result.attempts()).isGreaterThanOrEqualTo(2);
      assertThat(contents(spec)).containsExactly(
          Map.entry("2026-11-24T10:00:00Z/e1/c1", 11L), Map.entry("2026-11-24T11:00:00Z/e2/c1", 12L));
      assertThat(ledgerRows(spec)).isEqualTo(1);
    }
  }

  @Test
  void aTargetWithOtherColumnsIsRefusedAtStartupNamingTheColumn() throws Exception {
    TableSpec spec = buckets();
    try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + spec.name().sql() + " (bucket_start TIMESTAMP, email_id VARCHAR(64), campaign_id VARCHAR(64), "
          + "events VARCHAR(10))");
    }
    try (UpsertSink sink = sink("job-m", spec, UpsertSink.StepProbe.NONE)) {
      assertThatThrownBy(sink::prepare).isInstanceOf(Tables.SchemaMismatchException.class)
          .hasMessageContaining("column events is character varying, but the job writes BIGINT");
    }
    try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE " + spec.name().sql() + " DROP COLUMN events");
    }
    try (UpsertSink sink = sink("job-m", spec, UpsertSink.StepProbe.NONE)) {
      assertThatThrownBy(sink::prepare).hasMessageContaining("has no column events");
    }
    assertThat(contents(spec)).isEmpty();
    assertThat(ledgerRows(spec)).isZero();
  }

  @Test
  void badIdentifiersAreRefusedNamingTheField() {
    assertThatThrownBy(() -> TableName.parse("job clicks: table", "clicks; DROP TABLE x"))
        .hasMessageStartingWith("job clicks: table: 'clicks; DROP TABLE x' is not a valid identifier");
    assertThatThrownBy(() -> TableName.parse("job clicks: table", "Clicks"))
        .hasMessageContaining("'Clicks' is not a valid identifier");
    assertThatThrownBy(() -> TableName.parse("job clicks: table", "a.b.c")).hasMessageContaining("not a table name");
  }

  @Test
  void twoJobsWritingTwoTablesConcurrentlyAreBothExact() throws Exception {
    TableSpec a = buckets();
    TableSpec b = buckets();
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> jobs = new ArrayList<>();
      for (TableSpec spec : List.of(a, b)) {
        jobs.add(executor.submit(() -> {
          try (UpsertSink sink = sink("job-" + spec.name().table(), spec, UpsertSink.StepProbe.NONE)) {
            sink.prepare();
            for (long batch = 0; batch < 20; batch++) {
              List<Object[]> rows = new ArrayList<>();
              // Absolute counts: batch n writes count n for a sliding set of keys.
              for (int i = 0; i < 200; i++) rows.add(row(H0, "e" + (batch * 50 + i), "c", batch));
              sink.upsert(batch, rows);
              if (batch % 5 == 0) sink.upsert(batch, rows); // a replay now and then
            }
          }
          return null;
        }));
      }
      for (Future<?> job : jobs) job.get(2, TimeUnit.MINUTES);
    }
    for (TableSpec spec : List.of(a, b)) {
      Map<String, Long> rows = contents(spec);
      assertThat(rows).hasSize(19 * 50 + 200);
      // Key e(n) was last written by batch min(19, n / 50).
      assertThat(rows).allSatisfy((key, count) -> {
        int n = Integer.parseInt(key.split("/")[1].substring(1));
        assertThat(count).as(key).isEqualTo(Math.min(19, n / 50));
      });
      assertThat(ledgerRows(spec)).isEqualTo(20);
    }
  }

  @Test
  void keysThatDifferOnlyByTrailingSpacesAreOneRowAcrossBatches() throws Exception {
    TableSpec spec = buckets();
    try (UpsertSink sink = sink("job-t", spec, UpsertSink.StepProbe.NONE)) {
      sink.prepare();
      sink.upsert(1, List.<Object[]>of(row(H0, "e1", "c1", 1)));
      sink.upsert(2, List.<Object[]>of(row(H0, "e1  ", "c1 ", 4), row(H0, "e1", "c1", 3)));
      sink.upsert(3, List.<Object[]>of(row(H0, "e1 ", "c1", 5)));
    }
    // PostgreSQL compares 'e1' and 'e1 ' as different keys; Redshift as one. The sink makes both agree.
    assertThat(contents(spec)).containsExactly(Map.entry("2026-11-24T10:00:00Z/e1/c1", 5L));
  }

  @Test
  void theStandInRefusesAValueLongerInBytesThanItsColumnAsRedshiftWould() throws Exception {
    TableSpec spec = buckets();
    try (UpsertSink sink = sink("job-b", spec, UpsertSink.StepProbe.NONE)) {
      sink.prepare();
      // 40 characters, 120 bytes: the sink refuses it before staging, naming job, column and size.
      assertThatThrownBy(() -> sink.upsert(1, List.<Object[]>of(row(H0, "日".repeat(40), "c1", 1))))
          .hasMessageContaining("job job-b").hasMessageContaining("column email_id").hasMessageContaining("120 bytes of UTF-8");
    }
    // And the stand-in's table itself counts bytes, so nothing that Redshift would refuse gets in around the sink.
    try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("INSERT INTO " + spec.name().sql() + " VALUES ('2026-11-24 10:00:00', '" + "日".repeat(40)
          + "', 'c1', 1)")).hasMessageContaining("check constraint");
    }
    assertThat(ledgerRows(spec)).isZero();
  }

  @Test
  void anUpgradedJobFindsItsBatchesInTheSharedLedgerOfEarlierVersions() throws Exception {
    String schema = stack.createSchema("it_legacy_");
    TableSpec spec = new TableSpec(TableName.parse("test", schema + ".clicks"), buckets().columns());
    TableSpec recreated = new TableSpec(TableName.parse("test", schema + ".other"), buckets().columns());
    try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
      // The target exists (the upgraded job wrote it); "other" was dropped with its checkpoint, as make demo does.
      s.execute(Tables.createSql(spec, Dialect.POSTGRESQL));
      s.execute("CREATE TABLE " + schema + ".convoy_batches (job VARCHAR(128) NOT NULL, target_table VARCHAR(256) NOT NULL, "
          + "batch_id BIGINT NOT NULL, row_count BIGINT, committed_at TIMESTAMP, PRIMARY KEY (job, target_table, batch_id))");
      s.execute("INSERT INTO " + schema + ".convoy_batches VALUES ('job-u', '" + schema + ".clicks', 41, 2, '2026-11-24 10:00:00'), "
          + "('job-u', '" + schema + ".clicks', 42, 2, '2026-11-24 10:00:10'), ('job-u', '" + schema + ".convoy_dead_letters', 42, 1, "
          + "'2026-11-24 10:00:10'), ('job-v', '" + schema + ".other', 43, 1, '2026-11-24 10:00:10')");
    }
    try {
      try (UpsertSink sink = sink("job-u", spec, UpsertSink.StepProbe.NONE)) {
        sink.prepare();
        assertThat(ledgerRows(spec)).isEqualTo(2);
        assertThat(sink.upsert(42, List.<Object[]>of(row(H0, "e1", "c1", 99))).skipped()).as("batch 42 committed before the upgrade").isTrue();
        assertThat(sink.upsert(43, List.<Object[]>of(row(H0, "e1", "c1", 7))).skipped()).isFalse();
      }
      try (UpsertSink again = sink("job-u", spec, UpsertSink.StepProbe.NONE)) {
        again.prepare(); // a second start copies nothing more
        assertThat(ledgerRows(spec)).isEqualTo(3);
      }
      assertThat(contents(spec)).containsExactly(Map.entry("2026-11-24T10:00:00Z/e1/c1", 7L));
      try (UpsertSink fresh = sink("job-v", recreated, UpsertSink.StepProbe.NONE)) {
        fresh.prepare();
        assertThat(ledgerRows(recreated)).as("a target created now inherits no batch ids").isZero();
        assertThat(fresh.upsert(43, List.<Object[]>of(row(H0, "e1", "c1", 1))).skipped()).isFalse();
      }
    } finally {
      stack.dropSchema(schema);
    }
  }

  @Test
  void ledgerRowsOlderThanTheRetentionArePrunedButTheNewestStays() throws Exception {
    TableSpec spec = buckets();
    MovableClock clock = new MovableClock(H0);
    var settings = new UpsertSink.Settings(FAST, Duration.ofHours(1));
    try (UpsertSink sink = new UpsertSink(stack.warehouse(), "job-r", spec, settings, clock, UpsertSink.StepProbe.NONE)) {
      sink.prepare();
      for (long b = 0; b < 3; b++) sink.upsert(b, List.<Object[]>of(row(H0, "e1", "c1", b)));
      clock.set(H0.plus(Duration.ofHours(5)));
      sink.prepare(); // the next start prunes
      assertThat(ledgerRows(spec)).isEqualTo(1);
      assertThat(sink.upsert(2, List.<Object[]>of(row(H0, "e1", "c1", 99))).skipped()).as("the newest batch id is kept for a replay").isTrue();
    }
  }

  // ------------------------------------------------------------------ helpers

  private TableSpec buckets() {
    String name = "it_buckets_" + Long.toHexString(System.nanoTime());
    tables.add(name);
    return new TableSpec(TableName.parse("test", name), List.of(
        Column.key("bucket_start", ColumnType.TIMESTAMP),
        Column.key("email_id", ColumnType.varchar(64)),
        Column.key("campaign_id", ColumnType.varchar(64)),
        Column.value("events", ColumnType.BIGINT)));
  }

  private UpsertSink sink(String job, TableSpec spec, UpsertSink.StepProbe probe) {
    return new UpsertSink(stack.warehouse(), job, spec, FAST, Clock.systemUTC(), probe);
  }

  static Object[] row(Instant bucket, String email, String campaign, long events) {
    return new Object[] {bucket, email, campaign, events};
  }

  private Map<String, Long> contents(TableSpec spec) throws SQLException {
    Map<String, Long> rows = new TreeMap<>();
    try (Connection c = stack.redshift(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT bucket_start, email_id, campaign_id, events FROM " + spec.name().sql())) {
      var utc = java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC"));
      while (rs.next()) {
        rows.put(rs.getTimestamp(1, utc).toInstant() + "/" + rs.getString(2) + "/" + rs.getString(3), rs.getLong(4));
      }
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("does not exist")) return rows;
      throw e;
    }
    return rows;
  }

  private long ledgerRows(TableSpec spec) throws SQLException {
    try (Connection c = stack.redshift(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + Tables.ledger(spec.name()).name().sql())) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("does not exist")) return 0; // prepare refused the target first
      throw e;
    }
  }

  /** Kills the server process behind {@code victim}, from another connection, as an outage would. */
  private void terminate(Connection victim) throws SQLException {
    int pid;
    try (Statement s = victim.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      pid = rs.getInt(1);
    }
    try (Connection other = stack.redshift(); Statement s = other.createStatement()) {
      s.execute("SELECT pg_terminate_backend(" + pid + ")");
    }
  }

  /** Stops PgBouncer and starts it again with the project's own script. */
  private static void restartPgBouncer() throws SQLException {
    try {
      long pid = Long.parseLong(Files.readString(LocalStack.stackDir().resolve("pgbouncer/pgbouncer.pid")).strip());
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
      ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(20, TimeUnit.SECONDS).join());
      Process up = new ProcessBuilder("bin/convoy", "stack", "up").inheritIO().start();
      if (!up.waitFor(120, TimeUnit.SECONDS) || up.exitValue() != 0) throw new IllegalStateException("stack up failed");
    } catch (Exception e) {
      throw new SQLException("could not restart PgBouncer", e);
    }
  }
}

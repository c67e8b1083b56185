package dev.convoy.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoy.events.DeadLetter;
import dev.convoy.testing.LocalStack;
import dev.convoy.testing.RecordingWarehouse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Twenty jobs commit into one schema at once, for a minute, on the stand-in at SERIALIZABLE: none of
 * their transactions may conflict, and each job's statements touch only its own tables. With the
 * shared ledger of earlier versions this test fails both ways (conflicts, and a common table).
 */
class WarehouseIsolationIT {

  private static final int JOBS = 20;
  private static final int ROWS = 1_000;
  private static final Duration RUN = Duration.ofSeconds(Long.getLong("convoy.isolation.seconds", 60));
  private static final Instant H0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final RetryPolicy FAST = new RetryPolicy(8, Duration.ofMillis(50), Duration.ofSeconds(2));

  private final LocalStack stack = LocalStack.fromEnvironment();
  private String schema;

  @BeforeEach
  void schema() throws Exception {
    schema = stack.createSchema("it_iso_");
  }

  @AfterEach
  void drop() throws Exception {
    stack.dropSchema(schema);
  }

  /** What one job wrote, to check the tables against. */
  private record Written(TableSpec spec, RecordingWarehouse warehouse, SinkMetrics.Snapshot metrics, long lastBatch, long deadLetters) {}

  @Test
  void twentyJobsCommittingAtOnceNeverConflictTouchOnlyTheirOwnTablesAndStayExact() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Written>> jobs = new ArrayList<>();
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int j = 0; j < JOBS; j++) {
        int job = j;
        jobs.add(threads.submit(() -> runJob(job, go)));
      }
      go.countDown();
      List<Written> written = new ArrayList<>();
      for (Future<Written> f : jobs) written.add(f.get(RUN.toSeconds() + 120, TimeUnit.SECONDS));

      Set<String> seen = new HashSet<>();
      for (Written w : written) {
        assertThat(w.metrics().conflicts()).as("serialization conflicts of %s", w.spec().name()).isZero();
        assertThat(w.metrics().retries()).as("retries of %s", w.spec().name()).isZero();
        assertThat(w.lastBatch()).as("batches of %s in %s", w.spec().name(), RUN).isGreaterThanOrEqualTo(3);
        Set<String> touched = w.warehouse().tablesTouched(Set.of("convoy_stage", "convoy_stage_dead"));
        String t = w.spec().name().sql();
        assertThat(touched).as("tables job %s touched", t).containsExactlyInAnyOrder(t, t + "_convoy_batches", t + "_convoy_dead_letters");
        for (String table : touched) assertThat(seen.add(table)).as("%s is touched by two jobs", table).isTrue();
        assertExact(w);
      }
    }
  }

  private Written runJob(int job, CountDownLatch go) throws Exception {
    TableSpec spec = new TableSpec(TableName.parse("test", schema + ".job_" + job), List.of(
        Column.key("bucket_start", ColumnType.TIMESTAMP), Column.key("email_id", ColumnType.varchar(64)),
        Column.value("events", ColumnType.BIGINT)));
    RecordingWarehouse warehouse = new RecordingWarehouse(stack.warehouse());
    try (UpsertSink sink = new UpsertSink(warehouse, "job-" + job, spec, new UpsertSink.Settings(FAST, Duration.ofDays(7)),
        Clock.systemUTC(), UpsertSink.StepProbe.NONE)) {
      sink.prepare();
      go.await();
      long deadline = System.nanoTime() + RUN.toNanos();
      long batch = 0;
      long deadLetters = 0;
      for (; System.nanoTime() < deadline; batch++) {
        // Absolute counts: batch b writes count b for keys e(100 b) .. e(100 b + 999).
        List<Object[]> rows = new ArrayList<>(ROWS);
        for (int k = 0; k < ROWS; k++) rows.add(new Object[] {H0, "e" + (batch * 100 + k), batch});
        List<DeadLetter> dead = new ArrayList<>();
        if (batch % 3 == 0) {
          for (int k = 0; k < 5; k++) {
            dead.add(DeadLetter.of("job-" + job, "stream-" + job, batch + "-" + k, "pk", H0, "not an event", new byte[] {(byte) k}));
          }
        }
        sink.upsert(batch, rows, dead);
        deadLetters += dead.size();
        if (batch % 10 == 0) assertThat(sink.upsert(batch, rows, dead).skipped()).isTrue(); // a replay now and then
      }
      return new Written(spec, warehouse, sink.metrics().snapshot(), batch - 1, deadLetters);
    }
  }

  private void assertExact(Written w) throws Exception {
    String t = w.spec().name().sql();
    try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
      // Key e(n) was last written by batch min(last, n / 100); there are 100 last + 1,000 keys.
      try (ResultSet rs = s.executeQuery("SELECT email_id, events FROM " + t)) {
        long rows = 0;
        while (rs.next()) {
          rows++;
          long n = Long.parseLong(rs.getString(1).substring(1));
          assertThat(rs.getLong(2)).as("%s %s", t, rs.getString(1)).isEqualTo(Math.min(w.lastBatch(), n / 100));
        }
        assertThat(rows).as("rows of %s", t).isEqualTo(100 * w.lastBatch() + ROWS);
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(dead_letters) FROM " + t + "_convoy_batches")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(w.lastBatch() + 1);
        assertThat(rs.getLong(2)).isEqualTo(w.deadLetters());
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + t + "_convoy_dead_letters")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(w.deadLetters());
      }
    }
  }
}

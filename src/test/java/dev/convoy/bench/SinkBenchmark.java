package dev.convoy.bench;

import dev.convoy.sink.Column;
import dev.convoy.sink.ColumnType;
import dev.convoy.sink.TableName;
import dev.convoy.sink.TableSpec;
import dev.convoy.sink.UpsertSink;
import dev.convoy.testing.LocalStack;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Upsert throughput through PgBouncer with redshift-jdbc42 on the local stack, per batch size:
 * each batch half updates existing buckets, half inserts new ones (as an hourly job's batches do).
 * A harness rather than JMH: every batch is a real transaction, measured whole. Run with
 * {@code make bench-sink} (needs {@code bin/convoy stack up}).
 */
public final class SinkBenchmark {

  public static void main(String[] args) throws Exception {
    LocalStack stack = LocalStack.fromEnvironment();
    System.out.printf("%-10s %8s %12s %14s%n", "batch", "batches", "rows", "rows/s");
    for (int size : Integer.getInteger("only", 0) > 0 ? new int[] {Integer.getInteger("only")} : new int[] {100, 10_000, 100_000}) {
      int batches = size == 100 ? 300 : size == 10_000 ? 30 : 8;
      int warmup = Math.max(2, batches / 5);
      String table = "bench_upsert_" + size;
      TableSpec spec = new TableSpec(TableName.parse("bench", table), List.of(
          Column.key("bucket_start", ColumnType.TIMESTAMP), Column.key("email_id", ColumnType.varchar(64)),
          Column.key("campaign_id", ColumnType.varchar(64)), Column.value("events", ColumnType.BIGINT),
          Column.value("subscribers", ColumnType.BIGINT)));
      try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + table);
        s.execute("DELETE FROM convoy_batches WHERE target_table = '" + table + "'");
      } catch (Exception firstRun) {
        // the ledger does not exist before the first sink prepared it
      }
      try (UpsertSink sink = new UpsertSink(stack.warehouse(), "bench", spec)) {
        sink.prepare();
        long rows = 0;
        long start = 0;
        Instant hour = Instant.parse("2026-11-24T00:00:00Z");
        for (int b = 0; b < warmup + batches; b++) {
          if (b == warmup) { start = System.nanoTime(); rows = 0; }
          List<Object[]> batch = new ArrayList<>(size);
          for (int i = 0; i < size; i++) {
            // Half the keys repeat the previous batch's (updates), half are new (inserts).
            long key = (long) b * size / 2 + i;
            batch.add(new Object[] {hour.plus(Duration.ofHours(key % 24)), "email-" + key, "campaign-" + (key % 50), (long) b, (long) i});
          }
          sink.upsert(b, batch);
          rows += size;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%-10d %8d %12d %,14.0f%n", size, batches, rows, rows / seconds);
      }
      try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + table);
      }
    }
  }
}

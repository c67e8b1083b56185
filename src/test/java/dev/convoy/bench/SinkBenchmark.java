package dev.convoy.bench;

import dev.convoy.sink.Column;
import dev.convoy.sink.ColumnType;
import dev.convoy.sink.RetryPolicy;
import dev.convoy.sink.SinkMetrics;
import dev.convoy.sink.TableName;
import dev.convoy.sink.TableSpec;
import dev.convoy.sink.UpsertSink;
import dev.convoy.testing.LocalStack;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Upsert throughput through PgBouncer with redshift-jdbc42 on the local stack, per batch size:
 * each batch half updates the previous batch's buckets, half inserts new ones, spread over 24 hours.
 * A harness rather than JMH: every batch is a real transaction, measured whole.
 *
 * <p>Beside the sink, the same batches run as the warehouse's own work alone: the staging table filled
 * by {@code INSERT … SELECT generate_series} on the server, then the same MERGE, so no row crosses the
 * wire. That is the stand-in's ceiling for this statement; the sink cannot be faster.
 *
 * <p>Then the concurrent run: 20 jobs, each with its own sink and table in one schema, write batches of
 * 1,000 rows for 60 s at once (the stand-in at SERIALIZABLE, as every run of it is): aggregate rows/s,
 * batch latency p50/p95, retries and serialization conflicts (goal: 0).
 * Run with {@code make bench-sink}, or {@code bin/convoy bench --main dev.convoy.bench.SinkBenchmark 100000}
 * ({@code --concurrent-only} or {@code --single-only} runs one half).
 */
public final class SinkBenchmark {

  private static final Instant FIRST_HOUR = Instant.parse("2026-11-24T00:00:00Z");

  public static void main(String[] args) throws Exception {
    LocalStack stack = LocalStack.fromEnvironment();
    List<String> flags = Arrays.stream(args).filter(a -> a.startsWith("--")).toList();
    String[] sizes = Arrays.stream(args).filter(a -> !a.startsWith("--")).toArray(String[]::new);
    if (!flags.contains("--concurrent-only")) single(stack, sizes);
    if (!flags.contains("--single-only")) concurrent(stack, 20, 1_000, Duration.ofSeconds(60));
  }

  private static void single(LocalStack stack, String[] args) throws Exception {
    int[] sizes = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray() : new int[] {100, 10_000, 100_000};
    System.out.printf("%-8s %8s %14s %14s %7s   %s%n", "batch", "batches", "sink rows/s", "server rows/s", "ratio",
        "sink ms per batch: staging (ledger check, temp table, inserts) | count + MERGE | ledger + commit");
    for (int size : sizes) {
      int batches = size == 100 ? 300 : size == 10_000 ? 30 : 8;
      int warmup = Math.max(2, batches / 5);
      double[] steps = new double[3];
      double sink = sink(stack, size, warmup, batches, steps);
      double server = server(stack, size, warmup, batches);
      System.out.printf("%-8d %8d %,14.0f %,14.0f %6.0f%%   %.1f | %.1f | %.1f%n", size, batches, sink, server,
          100 * sink / server, steps[0], steps[1], steps[2]);
    }
  }

  /** What one of the concurrent jobs did. */
  private record JobRun(SinkMetrics.Snapshot metrics, List<Long> latencies) {}

  /** Batch {@code b}: half the keys repeat the previous batch's (updates), half are new (inserts), over 24 hours. */
  private static List<Object[]> batch(int b, int size) {
    List<Object[]> batch = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      long key = (long) b * size / 2 + i;
      batch.add(new Object[] {FIRST_HOUR.plus(Duration.ofHours(key % 24)), "email-" + key, "campaign-" + (key % 50), (long) b, (long) i});
    }
    return batch;
  }

  /** {@code jobs} sinks on their own threads, each into its own table of one schema, for {@code length}. */
  private static void concurrent(LocalStack stack, int jobs, int size, Duration length) throws Exception {
    String schema = stack.createSchema("bench_concurrent_");
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<JobRun>> results = new ArrayList<>();
      for (int j = 0; j < jobs; j++) {
        String table = schema + ".job_" + j;
        results.add(threads.submit(() -> {
          List<Long> latencies = new ArrayList<>();
          try (UpsertSink sink = new UpsertSink(stack.warehouse(), "bench", spec(table))) {
            sink.prepare();
            go.await();
            long deadline = System.nanoTime() + length.toNanos();
            for (int b = 0; System.nanoTime() < deadline; b++) {
              List<Object[]> batch = batch(b, size);
              long t0 = System.nanoTime();
              sink.upsert(b, batch);
              latencies.add(System.nanoTime() - t0);
            }
            return new JobRun(sink.metrics().snapshot(), latencies);
          }
        }));
      }
      long start = System.nanoTime();
      go.countDown();
      long rows = 0, retries = 0, conflicts = 0;
      List<Long> latencies = new ArrayList<>();
      for (Future<JobRun> f : results) {
        JobRun r = f.get();
        rows += r.metrics().rowsMerged();
        retries += r.metrics().retries();
        conflicts += r.metrics().conflicts();
        latencies.addAll(r.latencies());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      latencies.sort(null);
      System.out.printf("%nconcurrent: %d jobs x %d-row batches for %.0f s into one schema%n", jobs, size, seconds);
      System.out.printf("%,d batches, %,.0f rows/s in all, batch latency p50 %.0f ms, p95 %.0f ms, retries %d, serialization conflicts %d%n",
          latencies.size(), rows / seconds, latencies.get(latencies.size() / 2) / 1e6,
          latencies.get((int) (latencies.size() * 0.95)) / 1e6, retries, conflicts);
    } finally {
      stack.dropSchema(schema);
    }
  }

  private static TableSpec spec(String table) {
    return new TableSpec(TableName.parse("bench", table), List.of(
        Column.key("bucket_start", ColumnType.TIMESTAMP), Column.key("email_id", ColumnType.varchar(64)),
        Column.key("campaign_id", ColumnType.varchar(64)), Column.value("events", ColumnType.BIGINT),
        Column.value("subscribers", ColumnType.BIGINT)));
  }

  /** Rows per second through {@link UpsertSink}; {@code steps} gets the mean ms per batch of its three parts. */
  private static double sink(LocalStack stack, int size, int warmup, int batches, double[] steps) throws Exception {
    String table = "bench_upsert_" + size;
    stack.dropJobTables(List.of(table));
    long[] stepNanos = new long[UpsertSink.Step.values().length];
    long[] last = new long[1];
    UpsertSink.StepProbe timing = (step, attempt, connection) -> {
      long now = System.nanoTime();
      stepNanos[step.ordinal()] += now - last[0];
      last[0] = now;
    };
    long commitNanos = 0;
    long start = 0;
    try (UpsertSink sink = new UpsertSink(stack.warehouse(), "bench", spec(table), RetryPolicy.DEFAULT, Clock.systemUTC(), timing)) {
      sink.prepare();
      for (int b = 0; b < warmup + batches; b++) {
        List<Object[]> batch = batch(b, size);
        if (b == warmup) {
          start = System.nanoTime();
          Arrays.fill(stepNanos, 0);
          commitNanos = 0;
        }
        last[0] = System.nanoTime();
        sink.upsert(b, batch);
        commitNanos += System.nanoTime() - last[0];
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    steps[0] = stepNanos[UpsertSink.Step.STAGED.ordinal()] / 1e6 / batches;
    steps[1] = stepNanos[UpsertSink.Step.MERGED.ordinal()] / 1e6 / batches;
    steps[2] = (stepNanos[UpsertSink.Step.LEDGERED.ordinal()] + commitNanos) / 1e6 / batches;
    stack.dropJobTables(List.of(table));
    return (double) size * batches / seconds;
  }

  /** Rows per second of the same batches generated on the server: no client, no wire, one transaction each. */
  private static double server(LocalStack stack, int size, int warmup, int batches) throws Exception {
    String table = "bench_server_" + size;
    stack.dropJobTables(List.of(table));
    UpsertSink sink = new UpsertSink(stack.warehouse(), "bench", spec(table));
    sink.prepare();
    sink.close();
    String merge = sink.mergeSql();
    long start = 0;
    try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (int b = 0; b < warmup + batches; b++) {
        if (b == warmup) start = System.nanoTime();
        long first = (long) b * size / 2;
        s.execute("CREATE TEMP TABLE convoy_stage (LIKE " + table + ")");
        s.execute("INSERT INTO convoy_stage SELECT TIMESTAMP '2026-11-24 00:00:00' + (k % 24) * INTERVAL '1 hour', 'email-' || k, "
            + "'campaign-' || (k % 50), " + b + ", k - " + first + " FROM generate_series(" + first + ", " + (first + size - 1) + ") k");
        s.execute(merge);
        s.execute("DROP TABLE convoy_stage");
        c.commit();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    stack.dropJobTables(List.of(table));
    return (double) size * batches / seconds;
  }
}

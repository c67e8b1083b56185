package dev.convoy.bench;

import dev.convoy.events.Event;
import dev.convoy.events.EventEncoder;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.job.BucketSink;
import dev.convoy.job.Job;
import dev.convoy.job.JobCounters;
import dev.convoy.job.RestartPolicy;
import dev.convoy.run.Driver;
import dev.convoy.sink.RetryPolicy;
import dev.convoy.sink.TableName;
import dev.convoy.sink.UpsertSink;
import dev.convoy.source.kinesis.KinesisSourceProvider;
import dev.convoy.testing.LocalStack;
import dev.convoy.transform.Aggregation;
import dev.convoy.transform.DecodeEvents;
import dev.convoy.transform.Dimension;
import dev.convoy.transform.HourlyBuckets;
import dev.convoy.transform.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * One job's throughput with its data in hand (issue 16, item 3): pre-encoded Thrift payloads in Parquet
 * files served by Spark's file stream source instead of the emulator, through the stages a configured job runs — decode
 * (dead letters and all), hourly buckets with a watermark, the exactly-once upsert sink into the
 * stand-in — in the real driver ({@link Driver}, {@code local[2]}). Each batch is added whole, then
 * timed until its transaction commits; the batch's time splits into Spark's part (decode, aggregate,
 * collect) and the warehouse write. Run with {@code make bench-pipeline}, or
 * {@code bin/convoy bench --main dev.convoy.bench.PipelineBenchmark [events per batch] [batches] [--warmup N] [--job N]}
 * ({@code --warmup N}: batches run before the measured ones, 10 unless given, so that the JIT has compiled
 * the stages' code; {@code --job N}: only the N-th job of the table, from 1).
 */
public final class PipelineBenchmark {

  private record Profile(String name, List<Dimension> dimensions, List<Metric> metrics) {}

  private static final List<Profile> PROFILES = List.of(
      new Profile("low cardinality: campaign_id; events", List.of(Dimension.CAMPAIGN_ID), List.of(Metric.EVENTS)),
      new Profile("low cardinality: campaign_id; events, approx distinct", List.of(Dimension.CAMPAIGN_ID),
          List.of(Metric.EVENTS, Metric.APPROX_DISTINCT_SUBSCRIBERS)),
      new Profile("default: email_id, campaign_id; events, distinct", List.of(Dimension.EMAIL_ID, Dimension.CAMPAIGN_ID),
          List.of(Metric.EVENTS, Metric.DISTINCT_SUBSCRIBERS)),
      new Profile("default keys; events, approx distinct", List.of(Dimension.EMAIL_ID, Dimension.CAMPAIGN_ID),
          List.of(Metric.EVENTS, Metric.APPROX_DISTINCT_SUBSCRIBERS)));

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--stages")) {
      stages(Integer.parseInt(args[1]));
      return;
    }
    List<String> rest = new ArrayList<>(List.of(args));
    String only = takeOption(rest, "--job");
    List<Profile> profiles = only == null ? PROFILES : List.of(PROFILES.get(Integer.parseInt(only) - 1));
    // The JIT still took a third of the CPU in the third and fourth batches of a young JVM (2026-11-29).
    String warm = takeOption(rest, "--warmup");
    int warmup = warm == null ? 10 : Integer.parseInt(warm);
    int perBatch = rest.size() > 0 ? Integer.parseInt(rest.get(0)) : 500_000;
    int batches = rest.size() > 1 ? Integer.parseInt(rest.get(1)) : 20;
    if (batches <= warmup) throw new IllegalArgumentException(batches + " batches leave none to measure after " + warmup + " of warm-up");
    LocalStack stack = LocalStack.fromEnvironment();
    System.out.printf("%,d events per batch, %d batches (%d warm-up), local[2], JDK %s%n", perBatch, batches, warmup,
        Runtime.version().feature());
    System.out.printf("%-55s %12s %12s %10s %10s %8s %8s%n", "job", "events/s", "buckets/s", "batch ms", "spark ms", "write ms",
        "cpu ms");
    for (Profile p : profiles) run(stack, p, perBatch, batches, warmup);
  }

  /** The value after {@code name} in {@code args}, both removed from them, or null when it is not there. */
  private static String takeOption(List<String> args, String name) {
    int at = args.indexOf(name);
    if (at < 0) return null;
    String value = args.get(at + 1);
    args.subList(at, at + 2).clear();
    return value;
  }

  private static void run(LocalStack stack, Profile profile, int perBatch, int batches, int warmup) throws Exception {
    Path work = Files.createTempDirectory("convoy-pipeline");
    SparkSession spark = SparkSession.builder().config(Driver.sparkConf(Map.of("spark.master", "local[2]", "spark.ui.enabled", "false",
        "spark.sql.session.timeZone", "UTC"), work.resolve("state"))).getOrCreate();
    String table = "bench_pipeline_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    try {
      // Each batch's records, pre-encoded, as two Parquet files; moving them into the watched folder is
      // the batch's arrival. (Spark's MemoryStream was tried first: it serves 8,000 rows/s from the driver.)
      Path watched = Files.createDirectories(work.resolve("arriving"));
      List<List<Path>> staged = new ArrayList<>();
      // Made batch by batch and dropped once written, so the collector does not carry every batch's
      // rows while batches are measured.
      for (int b = 0; b < batches; b++) {
        Path dir = work.resolve("staged-" + b);
        spark.createDataFrame(records(perBatch, b), KinesisSourceProvider.SCHEMA).repartition(2).write().parquet(dir.toString());
        try (var files = Files.list(dir)) {
          staged.add(files.filter(f -> f.toString().endsWith(".parquet")).toList());
        }
      }
      JobCounters counters = JobCounters.register(spark.sparkContext(), "pipeline");
      Aggregation aggregation = new Aggregation(Duration.ofHours(1), Duration.ofHours(24), profile.dimensions(), profile.metrics());
      HourlyBuckets buckets = new HourlyBuckets(aggregation, counters.lateEvents());
      DecodeEvents decode = new DecodeEvents("pipeline", EventType.SENT, WireProtocol.COMPACT, counters.deadLetters());
      BucketSink sink = new BucketSink(stack.warehouse(), "pipeline", BucketSink.table(aggregation, TableName.parse("table", table)),
          new UpsertSink.Settings(RetryPolicy.DEFAULT, Duration.ofDays(7)), counters);
      Job.Source source = session -> session.readStream().schema(KinesisSourceProvider.SCHEMA).option("maxFilesPerTrigger", 2)
          .parquet(watched.toString());
      Job job = new Job("pipeline", new Job.Settings(Duration.ofMillis(100), work.resolve("checkpoint").toString(), 1, 2,
          new RestartPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1))), source, decode::apply, buckets::apply, sink);
      long events = 0;
      long nanos = 0;
      long rows = 0;
      long sparkMs = 0;
      long writeMs = 0;
      long cpuNanos = 0;
      List<Long> each = new ArrayList<>();
      try (Driver driver = new Driver(spark, List.of(job), 1, 0, n -> counters)) {
        driver.start();
        for (int b = 0; b < batches; b++) {
          long before = sink.metrics().batches();
          long rowsBefore = sink.metrics().rowsMerged();
          long writeBefore = sink.metrics().totalWriteMillis();
          long cpu0 = processCpuNanos();
          long t0 = System.nanoTime();
          for (Path f : staged.get(b)) Files.move(f, watched.resolve("b" + b + "-" + f.getFileName()));
          while (sink.metrics().batches() == before) Thread.sleep(5); // polling the commit: the measured end
          long took = System.nanoTime() - t0;
          long cpu = processCpuNanos() - cpu0;
          if (b < warmup) continue;
          cpuNanos += cpu;
          events += perBatch;
          nanos += took;
          each.add(took / 1_000_000);
          rows += sink.metrics().rowsMerged() - rowsBefore;
          long write = sink.metrics().totalWriteMillis() - writeBefore;
          writeMs += write;
          sparkMs += took / 1_000_000 - write;
        }
      }
      int measured = batches - warmup;
      System.out.printf("%-55s %,12.0f %,12.1f %10d %10d %8d %8d   each batch (ms): %s%n", profile.name(), events / (nanos / 1e9),
          rows / (nanos / 1e9), nanos / 1_000_000 / measured, sparkMs / measured, writeMs / measured,
          cpuNanos / 1_000_000 / measured, each);
    } finally {
      spark.stop();
      // The state store's maintenance thread is the JVM's, not the session's: stopped with it, the next
      // job's session does not find it calling the stopped session's coordinator (a warning and a trace).
      org.apache.spark.sql.execution.streaming.state.StateStore$.MODULE$.stop();
      stack.dropJobTables(List.of(table));
    }
  }

  /**
   * CPU time of this process, the driver's and its executors' in {@code local[2]}: the harness only
   * polls the sink while a batch runs. Steadier than a batch's wall time on a shared machine.
   */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Where a batch's time goes: the same rows as a batch DataFrame, each stage added in turn, timed warm. */
  private static void stages(int n) throws Exception {
    Path work = Files.createTempDirectory("convoy-stages");
    SparkSession spark = SparkSession.builder().config(Driver.sparkConf(Map.of("spark.master", "local[2]", "spark.ui.enabled", "false",
        "spark.sql.session.timeZone", "UTC", "spark.sql.shuffle.partitions", "2"), work.resolve("state"))).getOrCreate();
    try {
      Path parquet = work.resolve("records");
      spark.createDataFrame(records(n, 0), KinesisSourceProvider.SCHEMA).repartition(2).write().parquet(parquet.toString());
      JobCounters counters = JobCounters.register(spark.sparkContext(), "stages");
      DecodeEvents decode = new DecodeEvents("stages", EventType.SENT, WireProtocol.COMPACT, counters.deadLetters());
      Aggregation low = new Aggregation(Duration.ofHours(1), Duration.ofHours(24), List.of(Dimension.CAMPAIGN_ID), List.of(Metric.EVENTS));
      HourlyBuckets buckets = new HourlyBuckets(low, counters.lateEvents());
      for (int round = 0; round < 3; round++) {
        long t0 = System.nanoTime();
        long read = spark.read().parquet(parquet.toString()).count();
        long t1 = System.nanoTime();
        long decoded = decode.apply(spark.read().parquet(parquet.toString())).count();
        long t2 = System.nanoTime();
        long rows = buckets.apply(decode.apply(spark.read().parquet(parquet.toString()))).collectAsList().size();
        long t3 = System.nanoTime();
        System.out.printf("round %d: read %,d in %d ms; + decode %,d in %d ms; + buckets %d rows in %d ms%n", round, read, (t1 - t0) / 1_000_000,
            decoded, (t2 - t1) / 1_000_000, rows, (t3 - t2) / 1_000_000);
      }
    } finally {
      spark.stop();
    }
  }

  /** One batch of Kinesis rows: sent events over four hours, 5 campaigns, 2,000 emails, 50,000 subscribers, pre-encoded. */
  private static List<Row> records(int n, int batch) {
    EventEncoder encoder = new EventEncoder(WireProtocol.COMPACT);
    SplittableRandom random = new SplittableRandom(batch);
    long from = Instant.parse("2026-11-24T00:00:00Z").toEpochMilli();
    Timestamp arrival = Timestamp.from(Instant.now());
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Event e = new Event.EmailSent("email-" + random.nextInt(2_000), "subscriber-" + random.nextInt(50_000), "campaign-" + random.nextInt(5),
          from + random.nextLong(4 * 3_600_000L));
      rows.add(RowFactory.create(encoder.encode(e), "bench", "pk-" + (i % 64), String.format("%d%012d", batch, i), arrival));
    }
    return rows;
  }
}

package dev.convoy.bench;

import dev.convoy.source.kinesis.DriverFootprint;
import dev.convoy.source.kinesis.KinesisSourceProvider;
import dev.convoy.source.kinesis.proxy.StreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy.OutgoingRecord;
import dev.convoy.testing.LocalStack;
import dev.convoy.testing.Streams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Records/s the built-in source delivers from kinesis-local into a running query's sink, against the
 * emulator's ceiling: one thread looping GetRecords (pages of {@link #PAGE}) over the same shards, in
 * the same round. Both read the same records, already in the stream; the source once per batch cap in
 * {@link #CAPS}. Its tasks read on the executors, so reading and processing are one step. A warm-up
 * round runs first and is not counted. Then: an idle trigger's cost with 4 and 16 shards, and what the
 * driver sends and keeps per batch at 100-byte and 100 KB records ({@link DriverFootprint}). Run with
 * {@code make bench-source}; -Drecords=N, -Dshards=N, -Drounds=N (measured rounds), -Dpage=N,
 * -DmaxRecordsPerShard=default,2500.
 */
public final class KinesisSourceBenchmark {

  /**
   * Records per GetRecords call, the same for both readers. kinesis-local answers pages of 1,000 about
   * 50% faster per record than pages of 2,500 or 10,000 (measured here), so the ceiling uses them too.
   * Neither reader pauses between calls: the emulator has no per-shard call limit.
   */
  private static final int PAGE = Integer.getInteger("page", 1_000);

  /**
   * The batch caps each round runs: the source's default (10,000 per shard: these records in one batch),
   * and 2,500, a query that is behind and catches up in several batches while it reads ahead.
   */
  private static final List<String> CAPS = List.of(System.getProperty("maxRecordsPerShard", "default,2500").split(","));

  public static void main(String[] args) throws Exception {
    int records = Integer.getInteger("records", 30_000);
    int shards = Integer.getInteger("shards", 4);
    int rounds = Integer.getInteger("rounds", 5);
    LocalStack stack = LocalStack.fromEnvironment();
    String stream = "bench-source-" + System.currentTimeMillis();
    try (KinesisClient kinesis = stack.kinesis(); StreamProxy proxy = stack.streamProxy()) {
      Streams.create(kinesis, stream, shards);
      byte[] payload = new byte[100];
      new Random(7).nextBytes(payload);
      List<OutgoingRecord> batch = new ArrayList<>();
      for (int i = 0; i < records; i++) batch.add(new OutgoingRecord("key-" + i, payload));
      long putStart = System.nanoTime();
      for (int from = 0; from < records; from += 5_000) {
        Streams.put(proxy, stream, batch.subList(from, Math.min(records, from + 5_000)));
        System.out.printf("put %,d / %,d%n", Math.min(records, from + 5_000), records);
      }
      System.out.printf("put %,d records of 100 bytes into %d shards in %.1f s%n", records, shards, seconds(putStart));

      SparkSession spark = SparkSession.builder().master("local[2]").appName("convoy-bench-source")
          .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
      List<Double> loop = new ArrayList<>();
      Map<String, List<Timing>> timings = new LinkedHashMap<>();
      // Round 0 warms up both readers (JIT, the SDK's connections, Spark's first query) and is not counted.
      for (int round = 0; round <= rounds; round++) {
        long t0 = System.nanoTime();
        int read = Streams.readAll(kinesis, stream, PAGE).size();
        if (read != records) throw new IllegalStateException("SDK loop read " + read + " of " + records);
        double loopRate = records / seconds(t0);
        String name = round == 0 ? "warm-up" : "round " + round;
        System.out.printf("%s: SDK loop %,.0f records/s%n", name, loopRate);
        if (round > 0) loop.add(loopRate);
        for (String cap : CAPS) {
          Timing timed = sourceSeconds(spark, stack, stream, records, cap);
          System.out.printf("%s: convoy-kinesis, maxRecordsPerShard %s: delivers %,.0f records/s to the sink (%.0f%%)%n",
              name, cap, records / timed.delivered(), 100 * records / timed.delivered() / loopRate);
          if (round > 0) timings.computeIfAbsent(cap, k -> new ArrayList<>()).add(timed);
        }
      }
      double idle = idleTriggerMillis(spark, stack, stream);
      double idle16 = withStream(kinesis, 16, s16 -> idleTriggerMillis(spark, stack, s16));
      Map<Integer, DriverFootprint> footprints = new LinkedHashMap<>();
      for (int size : List.of(100, 100_000)) {
        footprints.put(size, withStream(kinesis, 4, s4 -> {
          byte[] data = new byte[size];
          new Random(size).nextBytes(data);
          List<OutgoingRecord> some = new ArrayList<>();
          for (int i = 0; i < 200; i++) some.add(new OutgoingRecord("key-" + i, data));
          for (int from = 0; from < some.size(); from += 25) Streams.put(proxy, s4, some.subList(from, from + 25));
          return DriverFootprint.ofFirstBatch(spark, stack, s4, Files.createTempDirectory("convoy-bench-footprint"));
        }));
      }
      spark.stop();
      double l = median(loop);
      System.out.printf("%nmedians of %d rounds, %,d records: SDK GetRecords loop (the ceiling) %,.0f records/s%n", rounds, records, l);
      timings.forEach((cap, ts) -> {
        double d = median(ts.stream().map(t -> records / t.delivered()).toList());
        double f = median(ts.stream().map(t -> records / t.fromFirstTrigger()).toList());
        System.out.printf("  maxRecordsPerShard %-16s delivers to the sink %,.0f records/s = %.0f%% (%,.0f = %.0f%% from its first trigger); rounds: %s%n",
            cap + ":", d, 100 * d / l, f, 100 * f / l,
            ts.stream().map(t -> String.format("%.0f%%", 100 * records / t.delivered() / loop.get(ts.indexOf(t)))).toList());
      });
      System.out.printf("an idle trigger, no batch run: the source's latestOffset takes %.1f ms with %d shards, %.1f ms with 16 (medians of 50)%n",
          idle, shards, idle16);
      footprints.forEach((size, fp) -> System.out.printf(
          "a batch of 200 records of %,d bytes in 4 shards: the driver sends %,d bytes to executors (%d partitions) and keeps %,d bytes of heap%n",
          size, fp.bytesSent(), fp.partitions(), fp.heapKept()));
    } finally {
      try (KinesisClient kinesis = stack.kinesis()) {
        Streams.deleteQuietly(kinesis, stream);
      }
    }
  }

  /**
   * Seconds from the query's start, TRIM_HORIZON on a fresh checkpoint (tasks read the records, so
   * reading is not separable from the batch: the loop's counterpart is delivery):
   * @param delivered until the sink has counted the last record
   * @param fromFirstTrigger the same, from the first trigger's start (Spark's query start-up excluded)
   */
  private record Timing(double delivered, double fromFirstTrigger) {}

  private interface OnStream<T> {
    T run(String stream) throws Exception;
  }

  /** Runs {@code body} on a new stream of {@code shards} shards, deleted afterwards. */
  private static <T> T withStream(KinesisClient kinesis, int shards, OnStream<T> body) throws Exception {
    String stream = "bench-source-" + shards + "-" + System.nanoTime();
    Streams.create(kinesis, stream, shards);
    try {
      return body.run(stream);
    } finally {
      Streams.deleteQuietly(kinesis, stream);
    }
  }

  private static Timing sourceSeconds(SparkSession spark, LocalStack stack, String stream, int records, String cap) throws Exception {
    AtomicLong seen = new AtomicLong();
    // The sink signals the last record; a waiting main thread must not spin, it would take a core from the emulator.
    CountDownLatch all = new CountDownLatch(1);
    Path checkpoint = Files.createTempDirectory("convoy-bench-source");
    long t0 = System.nanoTime();
    DataStreamReader reader = source(spark, stack, stream, "TRIM_HORIZON");
    if (!cap.equals("default")) reader = reader.option("maxRecordsPerShard", cap);
    StreamingQuery q = reader.load().writeStream()
        .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (df, id) -> {
          if (seen.addAndGet(df.count()) >= records) all.countDown();
        })
        .option("checkpointLocation", checkpoint.toString()).trigger(Trigger.ProcessingTime(0)).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!all.await(100, TimeUnit.MILLISECONDS)) {
      if (System.nanoTime() > deadline || !q.isActive()) throw new IllegalStateException("source read " + seen.get() + " of " + records);
    }
    double delivered = seconds(t0);
    long end = System.currentTimeMillis();
    // The last batch's progress is posted just after its sink returns.
    long withRows;
    while ((withRows = Arrays.stream(q.recentProgress()).mapToLong(StreamingQueryProgress::numInputRows).sum()) < records) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("query progress reported " + withRows + " of " + records + " rows");
      Thread.sleep(10);
    }
    q.stop();
    StreamingQueryProgress[] progress = q.recentProgress();
    long firstTrigger = Instant.parse(progress[0].timestamp()).toEpochMilli();
    for (var p : progress) {
      if (p.numInputRows() > 0) System.out.printf("  batch %d: %,d rows, %s%n", p.batchId(), p.numInputRows(), p.durationMs());
    }
    return new Timing(delivered, (end - firstTrigger) / 1e3);
  }

  /**
   * What a trigger costs the source when the stream is idle: it lists the shards and probes each one
   * (one GetRecords of one record, all shards at once); no batch runs.
   */
  private static double idleTriggerMillis(SparkSession spark, LocalStack stack, String stream) throws Exception {
    SparkSession session = spark.newSession();
    session.conf().set("spark.sql.streaming.noDataProgressEventInterval", "0"); // a progress for every idle trigger
    Path checkpoint = Files.createTempDirectory("convoy-bench-source-idle");
    StreamingQuery q = source(session, stack, stream, "LATEST").load().writeStream().foreachBatch((VoidFunction2<Dataset<Row>, Long>) (df, id) -> df.count())
        .option("checkpointLocation", checkpoint.toString()).trigger(Trigger.ProcessingTime(0)).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    List<Double> idle = new ArrayList<>();
    while (idle.size() < 60) {
      if (System.nanoTime() > deadline || !q.isActive()) throw new IllegalStateException("the idle query reported " + idle.size() + " triggers");
      idle = Arrays.stream(q.recentProgress()).filter(p -> p.numInputRows() == 0 && p.durationMs().containsKey("latestOffset"))
          .map(p -> p.durationMs().get("latestOffset").doubleValue()).toList();
      Thread.sleep(100);
    }
    q.stop();
    return median(idle.subList(idle.size() - 50, idle.size())); // the first triggers warm the iterators up
  }

  /** The source as both measurements read it: pages of {@link #PAGE}, no pause between calls. */
  private static DataStreamReader source(SparkSession session, LocalStack stack, String stream, String startingPosition) {
    return session.readStream().format(KinesisSourceProvider.SHORT_NAME)
        .option("streamName", stream).option("endpointUrl", stack.kinesisEndpoint().toString())
        .option("region", stack.region().id()).option("startingPosition", startingPosition)
        .option("getRecordsLimit", PAGE).option("getRecordsInterval", "1ms");
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}

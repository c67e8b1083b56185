package dev.convoy.bench;

import dev.convoy.source.kinesis.KinesisSourceProvider;
import dev.convoy.source.kinesis.proxy.StreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy.OutgoingRecord;
import dev.convoy.testing.LocalStack;
import dev.convoy.testing.Streams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Records/s the built-in source reads from kinesis-local into a running query, against the emulator's
 * ceiling: one thread looping GetRecords (pages of {@link #PAGE}) over the same shards. Both read the same
 * records, already in the stream; the source in batches of {@code maxRecordsPerShard} (2,500) per shard, as a
 * query that is behind reads them. A warm-up round runs first and is not counted. Run with
 * {@code make bench-source}; -Drecords=N, -Dshards=N, -Drounds=N (measured rounds), -Dpage=N.
 */
public final class KinesisSourceBenchmark {

  /**
   * Records per GetRecords call, the same for both readers. kinesis-local answers pages of 1,000 about
   * 50% faster per record than pages of 2,500 or 10,000 (measured here), so the ceiling uses them too.
   * Neither reader pauses between calls: the emulator has no per-shard call limit.
   */
  private static final int PAGE = Integer.getInteger("page", 1_000);

  public static void main(String[] args) throws Exception {
    int records = Integer.getInteger("records", 30_000);
    int shards = Integer.getInteger("shards", 4);
    int rounds = Integer.getInteger("rounds", 3);
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
      List<Double> source = new ArrayList<>();
      List<Double> steady = new ArrayList<>();
      // Round 0 warms up both readers (JIT, the SDK's connections, Spark's first query) and is not counted.
      for (int round = 0; round <= rounds; round++) {
        long t0 = System.nanoTime();
        int read = Streams.readAll(kinesis, stream, PAGE).size();
        if (read != records) throw new IllegalStateException("SDK loop read " + read + " of " + records);
        double loopRate = records / seconds(t0);
        double[] timed = sourceSeconds(spark, stack, stream, records);
        System.out.printf("%s: SDK loop %,.0f records/s, convoy-kinesis %,.0f records/s from start(), %,.0f from its first trigger%n",
            round == 0 ? "warm-up" : "round " + round, loopRate, records / timed[0], records / timed[1]);
        if (round == 0) continue;
        loop.add(loopRate);
        source.add(records / timed[0]);
        steady.add(records / timed[1]);
      }
      spark.stop();
      double l = median(loop);
      double s = median(source);
      double t = median(steady);
      System.out.printf("%nmedian of %d rounds: SDK GetRecords loop %,.0f records/s; convoy-kinesis %,.0f records/s = %.0f%% of the ceiling "
          + "(%,.0f = %.0f%% from the query's first trigger, without query start-up)%n", rounds, l, s, 100 * s / l, t, 100 * t / l);
    } finally {
      try (KinesisClient kinesis = stack.kinesis()) {
        Streams.deleteQuietly(kinesis, stream);
      }
    }
  }

  /**
   * From the query's start to the last record counted by its sink, TRIM_HORIZON on a fresh checkpoint;
   * and the same from the first trigger's start (Spark's query start-up excluded).
   */
  private static double[] sourceSeconds(SparkSession spark, LocalStack stack, String stream, int records) throws Exception {
    AtomicLong seen = new AtomicLong();
    // The sink signals the last record; a waiting main thread must not spin, it would take a core from the emulator.
    CountDownLatch all = new CountDownLatch(1);
    Path checkpoint = Files.createTempDirectory("convoy-bench-source");
    long t0 = System.nanoTime();
    StreamingQuery q = spark.readStream().format(KinesisSourceProvider.SHORT_NAME)
        .option("streamName", stream).option("endpointUrl", stack.kinesisEndpoint().toString())
        .option("region", stack.region().id()).option("startingPosition", "TRIM_HORIZON")
        .option("maxRecordsPerShard", Integer.getInteger("maxRecordsPerShard", 2_500))
        .option("getRecordsLimit", PAGE).option("getRecordsInterval", "1ms")
        .load().writeStream()
        .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (df, id) -> {
          if (seen.addAndGet(df.count()) >= records) all.countDown();
        })
        .option("checkpointLocation", checkpoint.toString()).trigger(Trigger.ProcessingTime(0)).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!all.await(100, TimeUnit.MILLISECONDS)) {
      if (System.nanoTime() > deadline || !q.isActive()) throw new IllegalStateException("source read " + seen.get() + " of " + records);
    }
    double s = seconds(t0);
    long end = System.currentTimeMillis();
    // The last batch's progress is posted just after its sink returns.
    while (q.recentProgress().length == 0) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("no query progress was reported");
      Thread.sleep(10);
    }
    q.stop();
    long firstTrigger = java.time.Instant.parse(q.recentProgress()[0].timestamp()).toEpochMilli();
    for (var p : q.recentProgress()) {
      if (p.numInputRows() > 0) System.out.printf("  batch %d: %,d rows, %s%n", p.batchId(), p.numInputRows(), p.durationMs());
    }
    return new double[] {s, (end - firstTrigger) / 1e3};
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}

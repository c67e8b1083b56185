package dev.convoy.source.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.convoy.source.kinesis.proxy.StreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy.OutgoingRecord;
import dev.convoy.testing.LocalStack;
import dev.convoy.testing.Streams;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskKilled;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.execution.streaming.CommitLog;
import org.apache.spark.sql.execution.streaming.CommitMetadata;
import org.apache.spark.sql.execution.streaming.OffsetSeq;
import org.apache.spark.sql.execution.streaming.OffsetSeqLog;
import org.apache.spark.sql.execution.streaming.OffsetSeqMetadata$;
import org.apache.spark.sql.execution.streaming.SerializedOffset;
import scala.Option;
import scala.collection.JavaConverters;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** The built-in source ({@code convoy-kinesis}) on kinesis-local, in a real local Spark. */
class KinesisSourceIT {

  private static SparkSession spark;

  private final LocalStack stack = LocalStack.fromEnvironment();
  private final KinesisClient kinesis = stack.kinesis();
  private final StreamProxy proxy = stack.streamProxy();
  private final List<String> streams = new ArrayList<>();
  private final List<StreamingQuery> queries = new ArrayList<>();
  @TempDir Path work;

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder().master("local[2]").appName("convoy-kinesis-source-it")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (StreamingQuery q : queries) q.stop();
    streams.forEach(s -> Streams.deleteQuietly(kinesis, s));
    proxy.close();
    kinesis.close();
  }

  @Test
  void aFourShardStreamIsReadExactlyOnceWithRecordsPutBeforeAndWhileTheQueryRuns() throws Exception {
    String stream = newStream(4);
    put(stream, "before", 400);
    Path out = work.resolve("out");
    start(source(stream, "TRIM_HORIZON"), out, work.resolve("cp"));
    awaitCount(out, 400);
    put(stream, "during", 400);
    awaitCount(out, 800);

    assertThat(BatchFiles.data(out)).containsExactlyInAnyOrderElementsOf(expected(List.of("before", "during"), 400));
    assertThat(BatchFiles.read(out)).extracting(BatchFiles.Line::partitionKey).doesNotContainNull();
  }

  @Test
  void kplAggregatedRecordsArriveAsTheirUserRecords() throws Exception {
    String stream = newStream(1);
    byte[] aggregate = KplAggregation.aggregate(List.of(Map.entry("user-1", "agg-0".getBytes(StandardCharsets.UTF_8)),
        Map.entry("user-2", "agg-1".getBytes(StandardCharsets.UTF_8))));
    Streams.put(proxy, stream, List.of(new OutgoingRecord("outer", aggregate),
        new OutgoingRecord("plain", "plain-0".getBytes(StandardCharsets.UTF_8))));
    Path out = work.resolve("out");
    start(source(stream, "TRIM_HORIZON"), out, work.resolve("cp"));
    awaitCount(out, 3);

    assertThat(BatchFiles.read(out)).extracting(l -> l.partitionKey() + "=" + l.data())
        .containsExactly("user-1=agg-0", "user-2=agg-1", "plain=plain-0");
  }

  @Test
  void queriesStoppedOrKilledAtRandomPointsRestartWithoutLosingOrDoublingARecord() throws Exception {
    String stream = newStream(2);
    Path out = work.resolve("out");
    Path checkpoint = work.resolve("cp");
    int chunks = 30;
    int perChunk = 100;
    Thread producer = Thread.ofVirtual().start(() -> {
      for (int c = 0; c < chunks; c++) {
        put(stream, "c" + c, perChunk);
        pace(Duration.ofMillis(150)); // spreads the records over the kills; not a synchronisation
      }
    });

    for (int round = 0; round < 2; round++) {
      long before = BatchFiles.batchCount(out);
      StreamingQuery q = start(source(stream, "TRIM_HORIZON").option("maxRecordsPerShard", "100"), out, checkpoint);
      await().atMost(Duration.ofMinutes(2)).until(() -> BatchFiles.batchCount(out) > before);
      pace(Duration.ofMillis(ThreadLocalRandom.current().nextLong(1, 800)));
      q.stop(); // abrupt: interrupts the batch in flight
    }
    for (int round = 0; round < 2; round++) {
      long before = BatchFiles.batchCount(out);
      Process jvm = probeJvm(stream, checkpoint, out, work.resolve("probe-" + round + ".log"));
      try {
        await().atMost(Duration.ofMinutes(2)).until(() -> BatchFiles.batchCount(out) > before || !jvm.isAlive());
        assertThat(jvm.isAlive()).as("probe JVM is running (see %s)", work.resolve("probe-" + round + ".log")).isTrue();
        pace(Duration.ofMillis(ThreadLocalRandom.current().nextLong(1, 800)));
      } finally {
        jvm.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no clean stop
      }
    }
    producer.join();
    start(source(stream, "TRIM_HORIZON").option("maxRecordsPerShard", "100"), out, checkpoint);
    List<String> expected = new ArrayList<>();
    for (int c = 0; c < chunks; c++) expected.addAll(expected(List.of("c" + c), perChunk));
    awaitCount(out, expected.size());

    assertThat(BatchFiles.data(out)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void splittingAndMergingShardsWhileTheQueryRunsKeepsEveryRecordAndEachKeysOrder() throws Exception {
    String stream = newStream(2);
    Path out = work.resolve("out");
    int keys = 20;
    putOrdered(stream, keys, 0, 10);
    start(source(stream, "TRIM_HORIZON").option("maxRecordsPerShard", "50"), out, work.resolve("cp"));
    awaitCount(out, 50);

    Shard first = kinesis.listShards(b -> b.streamName(stream)).shards().getFirst();
    BigInteger low = new BigInteger(first.hashKeyRange().startingHashKey());
    BigInteger high = new BigInteger(first.hashKeyRange().endingHashKey());
    kinesis.splitShard(b -> b.streamName(stream).shardToSplit(first.shardId())
        .newStartingHashKey(low.add(high).shiftRight(1).toString()));
    Streams.awaitActive(kinesis, stream);
    putOrdered(stream, keys, 10, 20);

    List<Shard> open = kinesis.listShards(b -> b.streamName(stream)).shards().stream()
        .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
        .sorted((a, b) -> new BigInteger(a.hashKeyRange().startingHashKey()).compareTo(new BigInteger(b.hashKeyRange().startingHashKey())))
        .toList();
    // The upper child of the split and the untouched shard are adjacent: a merge across lineages.
    kinesis.mergeShards(b -> b.streamName(stream).shardToMerge(open.get(1).shardId()).adjacentShardToMerge(open.get(2).shardId()));
    Streams.awaitActive(kinesis, stream);
    putOrdered(stream, keys, 20, 30);

    awaitCount(out, keys * 30);
    List<BatchFiles.Line> lines = BatchFiles.read(out);
    assertThat(lines).extracting(BatchFiles.Line::data).doesNotHaveDuplicates().hasSize(keys * 30);
    Map<String, Integer> lastSeen = new HashMap<>();
    for (BatchFiles.Line l : lines) {
      int n = Integer.parseInt(l.data().substring(l.data().indexOf(':') + 1));
      Integer previous = lastSeen.put(l.partitionKey(), n);
      assertThat(n).as("order of key %s at %s", l.partitionKey(), l).isEqualTo(previous == null ? 0 : previous + 1);
    }
    assertThat(lastSeen).hasSize(keys).allSatisfy((k, n) -> assertThat(n).isEqualTo(29));
  }

  @Test
  void trimHorizonLatestAndAtTimestampStartWhereTheyShould() throws Exception {
    String stream = newStream(1);
    put(stream, "old", 20);
    Instant lastOld = Streams.readAll(kinesis, stream).stream().map(r -> r.approximateArrivalTimestamp()).max(Instant::compareTo).orElseThrow();
    await().until(() -> Instant.now().isAfter(lastOld.plusMillis(5)));
    Instant between = Instant.now();
    await().until(() -> Instant.now().isAfter(between.plusMillis(5)));
    put(stream, "new", 20);

    Path fromTimestamp = work.resolve("at");
    start(source(stream, "AT_TIMESTAMP").option("startingTimestamp", between.toString()), fromTimestamp, work.resolve("cp-at"));
    Path fromHorizon = work.resolve("trim");
    start(source(stream, "TRIM_HORIZON"), fromHorizon, work.resolve("cp-trim"));
    Path fromLatest = work.resolve("latest");
    Path latestCheckpoint = work.resolve("cp-latest");
    start(source(stream, "LATEST"), fromLatest, latestCheckpoint);
    // LATEST is pinned when the query first runs; records put after that are its first.
    await().atMost(Duration.ofMinutes(1)).until(() -> Files.exists(latestCheckpoint.resolve("sources/0/" + InitialOffsetWriter.FILE)));
    put(stream, "newest", 20);

    awaitCount(fromTimestamp, 40);
    awaitCount(fromHorizon, 60);
    awaitCount(fromLatest, 20);
    assertThat(BatchFiles.data(fromTimestamp)).containsExactlyInAnyOrderElementsOf(expected(List.of("new", "newest"), 20));
    assertThat(BatchFiles.data(fromHorizon)).containsExactlyInAnyOrderElementsOf(expected(List.of("old", "new", "newest"), 20));
    assertThat(BatchFiles.data(fromLatest)).containsExactlyInAnyOrderElementsOf(expected(List.of("newest"), 20));
  }

  @Test
  void anUnreachableEndpointOrAMissingStreamFailsTheQueryNamingStreamAndEndpoint() throws Exception {
    String missing = "no-such-stream-" + UUID.randomUUID();
    StreamingQuery q1 = start(source(missing, "TRIM_HORIZON"), work.resolve("o1"), work.resolve("c1"));
    // What on-call reads first (the query's exception message) names the stream and the endpoint.
    assertThatThrownBy(() -> q1.awaitTermination(120_000)).isInstanceOf(StreamingQueryException.class)
        .hasMessageContaining("'" + missing + "' does not exist").hasMessageContaining(stack.kinesisEndpoint().toString());

    StreamingQuery q2 = start(source("orders", "TRIM_HORIZON").option("endpointUrl", "http://127.0.0.1:1"), work.resolve("o2"), work.resolve("c2"));
    assertThatThrownBy(() -> q2.awaitTermination(120_000)).isInstanceOf(StreamingQueryException.class)
        .hasMessageContaining("cannot reach Kinesis for stream 'orders'").hasMessageContaining("http://127.0.0.1:1");
  }

  @Test
  void badOptionsAreRefusedWhenTheQueryIsDefinedNamingTheOption() {
    assertThatThrownBy(() -> spark.readStream().format(KinesisSourceProvider.SHORT_NAME).option("streamName", "s")
        .option("startingPostion", "LATEST").load())
        .hasMessageContaining("unknown option 'startingPostion'");
    assertThatThrownBy(() -> spark.readStream().format(KinesisSourceProvider.SHORT_NAME).option("streamName", "s")
        .option("getRecordsLimit", "20000").load())
        .hasMessageContaining("'getRecordsLimit' is 20000");
  }

  @Test
  void aBatchReplayedAfterItsTasksRecordedTheirEndsReadsExactlyThoseRecordsThoughMoreArrived() throws Exception {
    String stream = newStream(1);
    put(stream, "first", 50);
    Path out = work.resolve("out");
    Path checkpoint = work.resolve("cp");
    AtomicBoolean failed = new AtomicBoolean();
    VoidFunction2<Dataset<Row>, Long> files = BatchFiles.writerTo(out);
    // The sink writes the batch, then fails before Spark commits it: the tasks have recorded their ends.
    StreamingQuery q = start(source(stream, "TRIM_HORIZON"), checkpoint, (batch, id) -> {
      files.call(batch, id);
      if (!batch.isEmpty() && failed.compareAndSet(false, true)) throw new IllegalStateException("sink lost its connection (test)");
    });
    assertThatThrownBy(() -> q.awaitTermination(120_000)).isInstanceOf(StreamingQueryException.class).hasMessageContaining("(test)");
    List<BatchFiles.Line> firstAttempt = BatchFiles.read(out);
    assertThat(Files.list(checkpoint.resolve("sources/0/" + BatchEnds.FOLDER)).toList()).as("ends recorded before the commit").isNotEmpty();
    put(stream, "second", 50);

    start(source(stream, "TRIM_HORIZON"), out, checkpoint);
    awaitCount(out, 100);

    long replayed = firstAttempt.getFirst().batchId();
    assertThat(BatchFiles.read(out).stream().filter(l -> l.batchId() == replayed).map(BatchFiles.Line::data))
        .as("the replay read what the first attempt read, not the records that came since")
        .containsExactlyElementsOf(firstAttempt.stream().map(BatchFiles.Line::data).toList());
    assertThat(BatchFiles.data(out)).containsExactlyInAnyOrderElementsOf(expected(List.of("first", "second"), 50));
  }

  @Test
  void tasksKilledAtRandomPointsWhileTheyReadAreRetriedWithoutLosingOrDoublingARecord() throws Exception {
    String stream = newStream(2);
    Path out = work.resolve("out");
    int chunks = 20;
    Thread producer = Thread.ofVirtual().start(() -> {
      for (int c = 0; c < chunks; c++) {
        put(stream, "c" + c, 100);
        pace(Duration.ofMillis(150)); // spreads the records over the kills; not a synchronisation
      }
    });
    Set<Long> running = ConcurrentHashMap.newKeySet();
    AtomicInteger killed = new AtomicInteger();
    SparkListener tasks = new SparkListener() {
      @Override
      public void onTaskStart(SparkListenerTaskStart start) {
        running.add(start.taskInfo().taskId());
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        running.remove(end.taskInfo().taskId());
        if (end.reason() instanceof TaskKilled) killed.incrementAndGet();
      }
    };
    spark.sparkContext().addSparkListener(tasks);
    try {
      start(source(stream, "TRIM_HORIZON").option("maxRecordsPerShard", "100").option("getRecordsLimit", "25"), out, work.resolve("cp"));
      // Kill whatever task runs, at random moments, until the producer is done and some kills landed.
      Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
      while ((producer.isAlive() || killed.get() < 5) && Instant.now().isBefore(deadline)) {
        pace(Duration.ofMillis(ThreadLocalRandom.current().nextLong(20, 200)));
        running.stream().findAny().ifPresent(id -> spark.sparkContext().killTaskAttempt(id, true, "killed by the test"));
      }
      List<String> expected = new ArrayList<>();
      for (int c = 0; c < chunks; c++) expected.addAll(expected(List.of("c" + c), 100));
      awaitCount(out, expected.size());

      assertThat(killed.get()).isGreaterThanOrEqualTo(5);
      assertThat(BatchFiles.data(out)).containsExactlyInAnyOrderElementsOf(expected);
    } finally {
      spark.sparkContext().removeSparkListener(tasks);
    }
  }

  @Test
  void aCheckpointWrittenByTheEarlierSourceIsReadOnWithoutLosingOrDoublingARecord() throws Exception {
    String stream = newStream(1);
    put(stream, "old", 30);
    List<String> sequences = Streams.readAll(kinesis, stream).stream().map(r -> r.sequenceNumber()).toList();
    String shard = kinesis.listShards(b -> b.streamName(stream)).shards().getFirst().shardId();
    Path checkpoint = work.resolve("cp");
    // What the driver-reading source left: batch 0 (records 0-9) committed, batch 1 (records 10-19) logged but not committed.
    Files.createDirectories(checkpoint.resolve("sources/0"));
    Files.writeString(checkpoint.resolve("sources/0/" + InitialOffsetWriter.FILE), legacyOffset(shard, "TRIM_HORIZON"));
    OffsetSeqLog offsets = new OffsetSeqLog(spark, checkpoint.resolve("offsets").toString());
    CommitLog commits = new CommitLog(spark, checkpoint.resolve("commits").toString());
    for (int batch = 0; batch < 2; batch++) {
      Offset end = new SerializedOffset(legacyOffset(shard, "AFTER:" + sequences.get(batch * 10 + 9)));
      offsets.add(batch, new OffsetSeq(JavaConverters.asScalaBuffer(List.<Option<Offset>>of(Option.apply(end))).toSeq(),
          Option.apply(OffsetSeqMetadata$.MODULE$.apply(0L, System.currentTimeMillis(), spark.conf()))));
    }
    commits.add(0, new CommitMetadata(0L));
    put(stream, "new", 10);
    Path out = work.resolve("out");

    start(source(stream, "TRIM_HORIZON"), out, checkpoint);
    awaitCount(out, 30);

    assertThat(BatchFiles.read(out).stream().filter(l -> l.batchId() == 1).map(BatchFiles.Line::data))
        .as("batch 1 replayed to the end the earlier source fixed").containsExactlyElementsOf(IntStream.range(10, 20).mapToObj(i -> "old-" + i).toList());
    List<String> expected = new ArrayList<>(IntStream.range(10, 30).mapToObj(i -> "old-" + i).toList());
    expected.addAll(expected(List.of("new"), 10));
    assertThat(BatchFiles.data(out)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void withOneMegabyteRecordsTheDriverKeepsAndSendsOnlyPositions() throws Exception {
    String small = newStream(1);
    put(small, "s", 20);
    String large = newStream(1);
    byte[] megabyte = new byte[1_000_000];
    ThreadLocalRandom.current().nextBytes(megabyte); // incompressible
    for (int i = 0; i < 12; i++) Streams.put(proxy, large, List.of(new OutgoingRecord("key-" + i, megabyte)));

    DriverFootprint smallBatch = DriverFootprint.ofFirstBatch(spark, stack, small, work.resolve("cp-small"));
    DriverFootprint largeBatch = DriverFootprint.ofFirstBatch(spark, stack, large, work.resolve("cp-large"));

    assertThat(largeBatch.partitions()).isEqualTo(1);
    assertThat(largeBatch.bytesSent()).as("driver to executors, per batch").isLessThan(4_096).isEqualTo(smallBatch.bytesSent());
    assertThat(largeBatch.heapKept()).as("heap the driver keeps after fixing a batch of 12 MB").isLessThan(4_000_000);
  }

  private static String legacyOffset(String shard, String from) {
    return "{\"v\":1,\"shards\":{\"" + shard + "\":{\"from\":\"" + from + "\",\"finished\":false,\"parents\":[]}}}";
  }

  // --- helpers

  private String newStream(int shards) {
    String stream = "it-source-" + UUID.randomUUID();
    Streams.create(kinesis, stream, shards);
    streams.add(stream);
    return stream;
  }

  private DataStreamReader source(String stream, String startingPosition) {
    return spark.readStream().format(KinesisSourceProvider.SHORT_NAME)
        .option("streamName", stream).option("endpointUrl", stack.kinesisEndpoint().toString())
        .option("region", stack.region().id()).option("startingPosition", startingPosition)
        .option("getRecordsInterval", "20ms");
  }

  private StreamingQuery start(DataStreamReader reader, Path out, Path checkpoint) throws Exception {
    return start(reader, checkpoint, BatchFiles.writerTo(out));
  }

  private StreamingQuery start(DataStreamReader reader, Path checkpoint, VoidFunction2<Dataset<Row>, Long> sink) throws Exception {
    StreamingQuery q = reader.load().writeStream().foreachBatch(sink)
        .option("checkpointLocation", checkpoint.toString()).trigger(Trigger.ProcessingTime(100)).start();
    queries.add(q);
    return q;
  }

  private void put(String stream, String label, int count) {
    Streams.put(proxy, stream, IntStream.range(0, count)
        .mapToObj(i -> new OutgoingRecord("key-" + (i % 37), (label + "-" + i).getBytes(StandardCharsets.UTF_8))).toList());
  }

  /** Records "k<key>:<n>" for n in [from, to), each key's in order, in one call per n. */
  private void putOrdered(String stream, int keys, int from, int to) {
    for (int n = from; n < to; n++) {
      int step = n;
      Streams.put(proxy, stream, IntStream.range(0, keys)
          .mapToObj(k -> new OutgoingRecord("k" + k, ("k" + k + ":" + step).getBytes(StandardCharsets.UTF_8))).toList());
    }
  }

  private static List<String> expected(List<String> labels, int count) {
    return labels.stream().flatMap(l -> IntStream.range(0, count).mapToObj(i -> l + "-" + i)).toList();
  }

  /** Waits for the sink to hold {@code count} rows; on time-out returns anyway, so the assertion shows what is missing. */
  private static void awaitCount(Path out, int count) {
    try {
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> BatchFiles.read(out).size() >= count);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      System.err.println("only " + BatchFiles.read(out).size() + " of " + count + " rows arrived in time");
    }
  }

  private static void pace(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Process probeJvm(String stream, Path checkpoint, Path out, Path log) throws Exception {
    var command = dev.convoy.testing.ChildJvm.command(SourceProbe.class, "1g",
        stack.kinesisEndpoint().toString(), stream, checkpoint.toString(), out.toString());
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

}

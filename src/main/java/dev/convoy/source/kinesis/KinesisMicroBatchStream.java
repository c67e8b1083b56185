package dev.convoy.source.kinesis;

import dev.convoy.source.BatchHold;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.ReportsSourceMetrics;
import org.apache.spark.sql.connector.read.streaming.SupportsAdmissionControl;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Spark's view of the source, and nothing more: {@link OffsetReader} decides batches on the driver,
 * {@link BatchPlanner} turns them into partitions, {@link KinesisPartitionReader} reads on the executors
 * and records each read's end in {@link BatchEnds}, {@link InitialOffsetWriter} pins the first start.
 * docs/kinesis-source.md has the argument for exactly-once.
 */
final class KinesisMicroBatchStream implements MicroBatchStream, SupportsAdmissionControl, ReportsSourceMetrics {

  private final KinesisSourceOptions options;
  private final OffsetReader offsets;
  private final BatchEnds ends;
  private final InitialOffsetWriter initial;
  private final Broadcast<SerializableConfiguration> executorConf;
  private final int minBatchesToRetain;
  /** Spark makes the source on the query's thread, which inherited the driver's hold for this query. */
  private final BatchHold hold = BatchHold.current();

  KinesisMicroBatchStream(KinesisSourceOptions options, String checkpointLocation, SparkSession spark) {
    this.options = options;
    Configuration conf = spark.sessionState().newHadoopConf();
    this.ends = new BatchEnds(checkpointLocation, conf);
    this.offsets = new OffsetReader(options, options.connect(), ends, Clock.systemUTC());
    this.initial = new InitialOffsetWriter(options, checkpointLocation, conf, Clock.systemUTC());
    // Once per query, not per task: tasks carry only a handle to it.
    this.executorConf = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(new SerializableConfiguration(conf));
    this.minBatchesToRetain = spark.sessionState().conf().minBatchesToRetain();
  }

  @Override
  public Offset initialOffset() {
    return initial.initialOffset(offsets::shards);
  }

  @Override
  public Offset latestOffset() {
    throw new UnsupportedOperationException("convoy-kinesis uses latestOffset(start, limit)");
  }

  @Override
  public ReadLimit getDefaultReadLimit() {
    return ReadLimit.allAvailable();
  }

  @Override
  public Offset latestOffset(Offset startOffset, ReadLimit limit) {
    try {
      hold.await();
    } catch (InterruptedException e) {
      // A stop interrupts the query's thread; Spark takes an interrupted I/O as the stop, not a failure.
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("stopped while its next batch was held"));
    }
    KinesisOffset start = KinesisOffset.of(startOffset);
    KinesisOffset next = offsets.next(start);
    // No new records: hand back Spark's own object, so it sees "no data" and runs no batch.
    return next == start ? startOffset : next;
  }

  @Override
  public InputPartition[] planInputPartitions(Offset startOffset, Offset endOffset) {
    return BatchPlanner.plan(KinesisOffset.of(startOffset), KinesisOffset.of(endOffset), offsets);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new ReaderFactory(options, ends, executorConf);
  }

  private record ReaderFactory(KinesisSourceOptions options, BatchEnds ends, Broadcast<SerializableConfiguration> conf)
      implements PartitionReaderFactory {
    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
      return new KinesisPartitionReader(options, (KinesisInputPartition) partition, ends.on(conf.value().value()));
    }
  }

  @Override
  public Offset deserializeOffset(String json) {
    return KinesisOffset.parse(json);
  }

  @Override
  public void commit(Offset end) {
    // Kinesis keeps no consumer position (the checkpoint is the position): only old batch ends go.
    KinesisOffset committed = KinesisOffset.of(end);
    if (!committed.legacy() && committed.batch() > minBatchesToRetain) ends.purgeBefore(committed.batch() - minBatchesToRetain);
  }

  @Override
  public Map<String, String> metrics(Optional<Offset> latestConsumedOffset) {
    Map<String, Long> behind = offsets.millisBehindLatest();
    Map<String, String> metrics = new LinkedHashMap<>();
    metrics.put("recordsFetched", Long.toString(offsets.recordsLastBatch()));
    metrics.put("maxMillisBehindLatest", Long.toString(behind.values().stream().mapToLong(Long::longValue).max().orElse(0)));
    metrics.put("millisBehindLatest", new TreeMap<>(behind).toString());
    latestConsumedOffset.map(KinesisOffset::of).ifPresent(o ->
        metrics.put("openShards", Long.toString(o.shards().values().stream().filter(s -> !s.finished()).count())));
    return metrics;
  }

  @Override
  public void stop() {
    offsets.close();
    try {
      executorConf.destroy();
    } catch (RuntimeException e) {
      // The query stops with the SparkContext: the broadcast goes with it.
    }
  }

  @Override
  public String toString() {
    return KinesisSourceProvider.SHORT_NAME + "[" + options.streamName() + " @ " + options.endpoint().describe() + "]";
  }
}

package dev.convoy.source.kinesis;

import dev.convoy.source.kinesis.proxy.SdkStreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import dev.convoy.source.kinesis.proxy.StreamProxy.Shard;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver side of the source. {@link #latestOffset} reads every readable shard (in parallel, one
 * virtual thread per shard) up to the batch limits and returns the last sequence number read per shard:
 * Spark writes that offset to the checkpoint before the batch runs, so the batch's records are fixed
 * before any of them is processed. The records read here travel to the batch's partitions; a batch
 * replayed after a restart reads the same sequence-number range from Kinesis again. While a batch
 * runs, the next one's records are read ahead (at most {@code maxRecordsPerShard} per shard).
 */
final class KinesisMicroBatchStream implements MicroBatchStream, SupportsAdmissionControl, ReportsSourceMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisMicroBatchStream.class);
  static final String INITIAL_OFFSET_FILE = "convoy-kinesis-initial-offset.json";
  // Kinesis shard iterators expire after five minutes; re-obtain them a little before that.
  private static final long ITERATOR_TTL_NANOS = TimeUnit.MINUTES.toNanos(4);

  private record Prefetch(Position from, String lastSequence, RecordBlock block) {}

  private record CachedIterator(Position at, String iterator, long obtainedAt) {}

  private final KinesisSourceOptions options;
  private final String checkpointLocation;
  private final StreamProxy proxy;
  private final ShardReader reader;
  private final Map<String, Prefetch> prefetched = new ConcurrentHashMap<>();
  private final Map<String, CachedIterator> iterators = new ConcurrentHashMap<>();
  private final Map<String, Long> millisBehindLatest = new ConcurrentHashMap<>();
  private final AtomicLong recordsLastFetch = new AtomicLong();
  private final Map<String, ReadAhead> ahead = new ConcurrentHashMap<>();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  KinesisMicroBatchStream(KinesisSourceOptions options, String checkpointLocation, StreamProxy proxy) {
    this.options = options;
    this.checkpointLocation = checkpointLocation;
    this.proxy = proxy;
    this.reader = new ShardReader(proxy, options);
  }

  /**
   * The first batch's start, kept in the checkpoint: Spark does not log a first batch's start offset,
   * and LATEST must mean the same instant when that batch is replayed.
   */
  @Override
  public Offset initialOffset() {
    Path file = new Path(checkpointLocation, INITIAL_OFFSET_FILE);
    try {
      FileSystem fs = file.getFileSystem(SparkSession.active().sessionState().newHadoopConf());
      if (fs.exists(file)) {
        try (InputStream in = fs.open(file)) {
          return KinesisOffset.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
      Position start = switch (options.startingPosition()) {
        case KinesisSourceOptions.StartingPosition.TrimHorizon t -> new Position.TrimHorizon();
        case KinesisSourceOptions.StartingPosition.Latest l -> new Position.AtTimestamp(Instant.now());
        case KinesisSourceOptions.StartingPosition.AtTimestamp a -> new Position.AtTimestamp(a.timestamp());
      };
      SortedMap<String, ShardState> shards = new TreeMap<>();
      for (Shard shard : reader.shards()) shards.put(shard.shardId(), new ShardState(shard.shardId(), shard.parents(), start, false));
      KinesisOffset initial = new KinesisOffset(shards);
      Path tmp = new Path(checkpointLocation, INITIAL_OFFSET_FILE + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(initial.json().getBytes(StandardCharsets.UTF_8));
      }
      if (!fs.rename(tmp, file)) throw new IOException("cannot rename " + tmp + " to " + file);
      return initial;
    } catch (IOException e) {
      throw new IllegalStateException("convoy-kinesis: cannot read or write " + file + " for stream '" + options.streamName() + "'", e);
    }
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
    KinesisOffset start = KinesisOffset.of(startOffset);
    SortedMap<String, ShardState> next = discover(start);
    // A child shard starts only once its parents were read to their end in an earlier batch, so
    // each partition key's records stay in order across a split or merge.
    List<ShardState> readable = start.shards().values().stream()
        .filter(s -> !s.finished())
        .filter(s -> s.parents().stream().allMatch(p -> !start.shards().containsKey(p) || start.shards().get(p).finished()))
        .toList();
    Map<String, Future<ShardReader.Result>> reads = new LinkedHashMap<>();
    for (ShardState s : readable) reads.put(s.shardId(), readAheadOf(s));
    // A read-ahead that found nothing may be old: data may have come since. Those shards are read
    // again all at once, so a trigger over many idle shards waits for one round trip, not one per shard.
    for (var e : reads.entrySet()) {
      ShardState s = start.shards().get(e.getKey());
      ShardReader.Result r = await(e.getValue());
      if (r.records().isEmpty() && !r.finished()) e.setValue(threads.submit(() -> fetch(s)));
    }
    long fetched = 0;
    for (var e : reads.entrySet()) {
      ShardState s = start.shards().get(e.getKey());
      ShardReader.Result r = await(e.getValue());
      fetched += r.records().size();
      if (!r.records().isEmpty()) {
        prefetched.put(s.shardId(), new Prefetch(s.position(), r.records().getLast().sequenceNumber(), RecordBlock.of(r.records())));
      }
      ShardState after = s.advancedTo(r.next(), r.finished());
      next.put(s.shardId(), after);
      // Read the next batch's records while Spark processes this one; only the offset returned here is fixed.
      if (!after.finished()) ahead.put(after.shardId(), new ReadAhead(after.position(), threads.submit(() -> fetch(after))));
    }
    recordsLastFetch.set(fetched);
    return new KinesisOffset(next);
  }

  /** New shards (children of a split or merge) join from their start; finished shards the stream no longer lists retire. */
  private SortedMap<String, ShardState> discover(KinesisOffset start) {
    List<Shard> listed = reader.shards();
    SortedMap<String, ShardState> next = new TreeMap<>(start.shards());
    var listedIds = listed.stream().map(Shard::shardId).collect(java.util.stream.Collectors.toSet());
    next.values().removeIf(s -> s.finished() && !listedIds.contains(s.shardId()));
    for (Shard shard : listed) {
      next.putIfAbsent(shard.shardId(), new ShardState(shard.shardId(), shard.parents(), new Position.TrimHorizon(), false));
    }
    return next;
  }

  private record ReadAhead(Position from, Future<ShardReader.Result> read) {}

  /** The read started after the previous batch, if it began where this shard stands; else a read now. */
  private Future<ShardReader.Result> readAheadOf(ShardState s) {
    ReadAhead a = ahead.remove(s.shardId());
    if (a != null && a.from().equals(s.position())) return a.read();
    if (a != null) a.read().cancel(true);
    return threads.submit(() -> fetch(s));
  }

  private ShardReader.Result fetch(ShardState s) {
    ShardReader.Result r = reader.readAvailable(s.shardId(), s.position(), cached(s));
    if (r.nextIterator() != null) iterators.put(s.shardId(), new CachedIterator(r.next(), r.nextIterator(), System.nanoTime()));
    else iterators.remove(s.shardId());
    if (r.finished()) millisBehindLatest.remove(s.shardId());
    else millisBehindLatest.put(s.shardId(), r.millisBehindLatest());
    return r;
  }

  private String cached(ShardState s) {
    CachedIterator c = iterators.get(s.shardId());
    return c != null && c.at().equals(s.position()) && System.nanoTime() - c.obtainedAt() < ITERATOR_TTL_NANOS ? c.iterator() : null;
  }

  private static ShardReader.Result await(Future<ShardReader.Result> read) {
    try {
      return read.get();
    } catch (InterruptedException e) {
      throw SdkStreamProxy.interrupted("reading Kinesis");
    } catch (ExecutionException e) {
      // The proxy's message names the stream and endpoint; keep it on top.
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public InputPartition[] planInputPartitions(Offset startOffset, Offset endOffset) {
    KinesisOffset start = KinesisOffset.of(startOffset);
    KinesisOffset end = KinesisOffset.of(endOffset);
    List<InputPartition> partitions = new ArrayList<>();
    for (ShardState to : end.shards().values()) {
      String last = to.lastSequence();
      ShardState from = start.shards().get(to.shardId());
      if (last == null || from == null || from.position().equals(to.position())) continue;
      // Spark plans a batch's partitions more than once; the records stay until the batch commits.
      Prefetch p = prefetched.get(to.shardId());
      RecordBlock carried = p != null && p.from().equals(from.position()) && p.lastSequence().equals(last) ? p.block() : null;
      if (carried == null) LOG.info("convoy-kinesis: stream {} shard {}: replaying {} .. {} from Kinesis", options.streamName(), to.shardId(),
          KinesisOffset.encode(from.position()), last);
      partitions.add(new KinesisInputPartition(options, to.shardId(), from.position(), last, carried));
    }
    return partitions.toArray(InputPartition[]::new);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new ReaderFactory();
  }

  private static final class ReaderFactory implements PartitionReaderFactory {
    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
      return new KinesisPartitionReader((KinesisInputPartition) partition);
    }
  }

  @Override
  public Offset deserializeOffset(String json) {
    return KinesisOffset.parse(json);
  }

  @Override
  public void commit(Offset end) {
    // Kinesis keeps no consumer position (the checkpoint is the position): only drop what this batch carried.
    KinesisOffset.of(end).shards().forEach((id, state) ->
        prefetched.computeIfPresent(id, (k, p) -> p.lastSequence().equals(state.lastSequence()) ? null : p));
  }

  @Override
  public Map<String, String> metrics(Optional<Offset> latestConsumedOffset) {
    Map<String, String> metrics = new LinkedHashMap<>();
    metrics.put("recordsFetched", Long.toString(recordsLastFetch.get()));
    metrics.put("maxMillisBehindLatest", Long.toString(millisBehindLatest.values().stream().mapToLong(Long::longValue).max().orElse(0)));
    metrics.put("millisBehindLatest", new TreeMap<>(millisBehindLatest).toString());
    // After a restart Spark hands back the offset as it read it from the log, not as this class.
    latestConsumedOffset.map(KinesisOffset::of).ifPresent(o ->
        metrics.put("openShards", Long.toString(o.shards().values().stream().filter(s -> !s.finished()).count())));
    return metrics;
  }

  @Override
  public void stop() {
    ahead.values().forEach(a -> a.read().cancel(true));
    threads.shutdownNow();
    proxy.close();
  }

  @Override
  public String toString() {
    return KinesisSourceProvider.SHORT_NAME + "[" + options.streamName() + " @ " + options.endpoint().describe() + "]";
  }
}

package dev.convoy.source.kinesis;

import dev.convoy.source.kinesis.proxy.StreamProxy.ReceivedRecord;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.unsafe.types.UTF8String;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs in a task: reads one shard's part of a batch from Kinesis, page by page, and emits its rows,
 * de-aggregating KPL records on the way. A first attempt reads up to the batch limits and, once the
 * last row is out, records where it stopped in {@link BatchEnds}; a later attempt (a retried task, a
 * replayed batch, a second action on the batch) finds that end and reads exactly to it. The end is
 * written before the task completes, so a batch Spark commits always has one.
 */
final class KinesisPartitionReader implements PartitionReader<InternalRow> {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisPartitionReader.class);

  private final KinesisSourceOptions options;
  private final KinesisInputPartition partition;
  private final BatchEnds ends;
  private final UTF8String stream;
  private final ShardReader.Read read;
  private final boolean recordEnd;
  private final Optional<ShardEnd> recorded;
  private Iterator<ReceivedRecord> page = List.<ReceivedRecord>of().iterator();
  private final Deque<ReceivedRecord> pending = new ArrayDeque<>();
  private ReceivedRecord current;

  KinesisPartitionReader(KinesisSourceOptions options, KinesisInputPartition partition, BatchEnds ends) {
    this.options = options;
    this.partition = partition;
    this.ends = ends;
    this.stream = UTF8String.fromString(options.streamName());
    ShardReader reader = new ShardReader(ExecutorClients.forOptions(options), options, Clock.systemUTC());
    this.recorded = partition.until() == null ? ends.read(partition.batch(), partition.shardId()) : Optional.empty();
    String until = partition.until() != null ? partition.until() : recorded.map(ShardEnd::lastSequence).orElse(null);
    this.recordEnd = partition.until() == null && recorded.isEmpty();
    if (recorded.isPresent()) {
      LOG.info("convoy-kinesis: stream {} shard {}: batch {} read before, replaying to its recorded end {}", options.streamName(),
          partition.shardId(), partition.batch(), until == null ? "(no records)" : until);
    }
    boolean nothing = recorded.isPresent() && until == null;
    this.read = nothing ? null : reader.read(partition.shardId(), partition.from(), until, partition.iterator(), partition.notBeforeMillis());
  }

  @Override
  public boolean next() {
    while (pending.isEmpty()) {
      while (!page.hasNext()) {
        List<ReceivedRecord> records = read == null ? null : read.next();
        if (records == null) {
          if (recordEnd) recordEnd();
          return false;
        }
        page = records.iterator();
      }
      pending.addAll(KplAggregation.deaggregate(page.next()));
    }
    current = pending.poll();
    return true;
  }

  private void recordEnd() {
    ShardEnd mine = read.end();
    ShardEnd standing = ends.writeOnce(partition.batch(), mine);
    if (!standing.sameRangeAs(mine)) {
      // Another attempt of this task (speculation, or a retry racing a slow attempt) recorded a different
      // end first; this attempt's rows would not match it, so it fails and the retry reads to that end.
      throw new IllegalStateException("convoy-kinesis: stream '" + options.streamName() + "' shard " + partition.shardId()
          + " batch " + partition.batch() + ": another attempt recorded the end " + standing.lastSequence() + ", this one read to "
          + mine.lastSequence() + "; failing this attempt so the retry reads exactly to the recorded end");
    }
  }

  @Override
  public InternalRow get() {
    long micros = Math.addExact(Math.multiplyExact(current.arrivalTime().getEpochSecond(), 1_000_000L),
        current.arrivalTime().getNano() / 1_000L);
    return new GenericInternalRow(new Object[] {current.data(), stream, UTF8String.fromString(current.partitionKey()),
        UTF8String.fromString(current.sequenceNumber()), micros});
  }

  @Override
  public void close() {}
}

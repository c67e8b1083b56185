package dev.convoy.source.kinesis;

import dev.convoy.source.kinesis.proxy.StreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy.ReceivedRecord;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.unsafe.types.UTF8String;

/** Emits one shard slice as rows, de-aggregating KPL records on the way. */
final class KinesisPartitionReader implements PartitionReader<InternalRow> {

  private final UTF8String stream;
  private final Iterator<ReceivedRecord> records;
  private final Deque<ReceivedRecord> pending = new ArrayDeque<>();
  private ReceivedRecord current;

  KinesisPartitionReader(KinesisInputPartition partition) {
    this.stream = UTF8String.fromString(partition.options().streamName());
    this.records = slice(partition).iterator();
  }

  private static List<ReceivedRecord> slice(KinesisInputPartition p) {
    if (p.carried() != null) return p.carried().records();
    try (StreamProxy proxy = p.options().connect()) {
      return new ShardReader(proxy, p.options()).readRange(p.shardId(), p.from(), p.lastSequence());
    }
  }

  @Override
  public boolean next() {
    while (pending.isEmpty()) {
      if (!records.hasNext()) return false;
      pending.addAll(KplAggregation.deaggregate(records.next()));
    }
    current = pending.poll();
    return true;
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

package dev.convoy.source.kinesis.proxy;

import java.util.List;

/** The Kinesis calls Convoy makes. Implementations translate SDK failures into {@link KinesisAccessException}. */
public interface StreamProxy extends AutoCloseable {

  /** A record to put: its partition key and payload. */
  record OutgoingRecord(String partitionKey, byte[] data) {}

  /** The fate of one record of a PutRecords call, in request order. */
  sealed interface PutResult {
    record Accepted(String shardId, String sequenceNumber) implements PutResult {}

    /** Kinesis refused this record (throttled or internal failure); it may be put again. */
    record Rejected(String errorCode, String message) implements PutResult {}
  }

  /** A record read from a shard, with the metadata dead letters keep. */
  record ReceivedRecord(String sequenceNumber, String partitionKey, java.time.Instant arrivalTime, byte[] data)
      implements java.io.Serializable {}

  /** One GetRecords page; {@code nextIterator} is null once a closed shard is read to its end. */
  record Page(List<ReceivedRecord> records, String nextIterator, long millisBehindLatest) {}

  /** A shard and its lineage; {@code closed} once a split or merge ended it (it is still readable to its end). */
  record Shard(String shardId, String parentShardId, String adjacentParentShardId, boolean closed) implements java.io.Serializable {
    /** The shards this one was split or merged from, without nulls. */
    public List<String> parents() {
      return java.util.stream.Stream.of(parentShardId, adjacentParentShardId).filter(java.util.Objects::nonNull).toList();
    }
  }

  /** Where in a shard an iterator starts. */
  sealed interface Position extends java.io.Serializable {
    record TrimHorizon() implements Position {}

    record Latest() implements Position {}

    record AtTimestamp(java.time.Instant timestamp) implements Position {}

    /** Just after a record already read: how a source resumes without reading it twice. */
    record AfterSequence(String sequenceNumber) implements Position {}
  }

  /** The stream's shards (open and closed, with their parents), in ListShards order. */
  List<Shard> shards(String stream);

  String iterator(String stream, String shardId, Position position);

  Page getRecords(String stream, String iterator, int limit);

  /** One PutRecords call (≤ 500 records, ≤ 5 MiB); results are in the order of {@code records}. */
  List<PutResult> putRecords(String stream, List<OutgoingRecord> records);

  @Override
  void close();
}

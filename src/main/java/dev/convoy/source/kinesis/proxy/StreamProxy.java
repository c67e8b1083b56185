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
  record ReceivedRecord(String sequenceNumber, String partitionKey, java.time.Instant arrivalTime, byte[] data) {}

  /** One GetRecords page; {@code nextIterator} is null once a closed shard is read to its end. */
  record Page(List<ReceivedRecord> records, String nextIterator, long millisBehindLatest) {}

  /** The stream's shard ids (open and closed), in ListShards order. */
  List<String> shardIds(String stream);

  /** An iterator at the oldest record a shard still holds. */
  String iteratorAtTrimHorizon(String stream, String shardId);

  Page getRecords(String stream, String iterator, int limit);

  /** One PutRecords call (≤ 500 records, ≤ 5 MiB); results are in the order of {@code records}. */
  List<PutResult> putRecords(String stream, List<OutgoingRecord> records);

  @Override
  void close();
}

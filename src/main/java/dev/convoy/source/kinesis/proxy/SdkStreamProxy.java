package dev.convoy.source.kinesis.proxy;

import dev.convoy.errors.Causes;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** {@link StreamProxy} over the AWS SDK v2 Kinesis client. */
public final class SdkStreamProxy implements StreamProxy {

  private final KinesisClient client;
  private final KinesisEndpoint endpoint;

  public SdkStreamProxy(KinesisClient client, KinesisEndpoint endpoint) {
    this.client = client;
    this.endpoint = endpoint;
  }

  public static SdkStreamProxy connect(KinesisEndpoint endpoint) {
    return new SdkStreamProxy(endpoint.client(), endpoint);
  }

  @Override
  public List<PutResult> putRecords(String stream, List<OutgoingRecord> records) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>(records.size());
    for (OutgoingRecord r : records) {
      entries.add(PutRecordsRequestEntry.builder().partitionKey(r.partitionKey()).data(SdkBytes.fromByteArrayUnsafe(r.data())).build());
    }
    PutRecordsResponse response;
    try {
      response = client.putRecords(b -> b.streamName(stream).records(entries));
    } catch (RuntimeException e) {
      throw translate("PutRecords", stream, e);
    }
    List<PutResult> results = new ArrayList<>(records.size());
    for (PutRecordsResultEntry e : response.records()) {
      results.add(e.errorCode() == null
          ? new PutResult.Accepted(e.shardId(), e.sequenceNumber())
          : new PutResult.Rejected(e.errorCode(), e.errorMessage()));
    }
    return results;
  }

  @Override
  public List<Shard> shards(String stream) {
    try {
      List<Shard> shards = new ArrayList<>();
      String token = null;
      do {
        String t = token;
        var page = t == null ? client.listShards(b -> b.streamName(stream)) : client.listShards(b -> b.nextToken(t));
        page.shards().forEach(s -> shards.add(new Shard(s.shardId(), s.parentShardId(), s.adjacentParentShardId(),
            s.sequenceNumberRange() != null && s.sequenceNumberRange().endingSequenceNumber() != null)));
        token = page.nextToken();
      } while (token != null);
      return shards;
    } catch (RuntimeException e) {
      throw translate("ListShards", stream, e);
    }
  }

  @Override
  public String iterator(String stream, String shardId, Position position) {
    try {
      return client.getShardIterator(b -> {
        b.streamName(stream).shardId(shardId);
        switch (position) {
          case Position.TrimHorizon p -> b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
          case Position.Latest p -> b.shardIteratorType(ShardIteratorType.LATEST);
          case Position.AtTimestamp p -> b.shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(p.timestamp());
          case Position.AfterSequence p -> b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
              .startingSequenceNumber(p.sequenceNumber());
        }
      }).shardIterator();
    } catch (RuntimeException e) {
      throw translate("GetShardIterator", stream, e);
    }
  }

  @Override
  public Page getRecords(String stream, String iterator, int limit) {
    try {
      var response = client.getRecords(b -> b.shardIterator(iterator).limit(limit));
      List<ReceivedRecord> records = new ArrayList<>(response.records().size());
      for (var r : response.records()) {
        records.add(new ReceivedRecord(r.sequenceNumber(), r.partitionKey(), r.approximateArrivalTimestamp(), r.data().asByteArrayUnsafe()));
      }
      return new Page(records, response.nextShardIterator(),
          response.millisBehindLatest() == null ? 0 : response.millisBehindLatest());
    } catch (RuntimeException e) {
      throw translate("GetRecords", stream, e);
    }
  }

  KinesisAccessException translate(String call, String stream, RuntimeException e) {
    if (e instanceof software.amazon.awssdk.core.exception.AbortedException || Thread.currentThread().isInterrupted()) {
      // A stop interrupted the call: Spark recognises InterruptedIOException as a stop, not a failure.
      throw interrupted(call + " on stream '" + stream + "'");
    }
    String where = "stream '" + stream + "' (" + endpoint.describe() + ")";
    return switch (e) {
      case ExpiredIteratorException t -> new KinesisAccessException.ExpiredIterator(call + ": iterator expired on " + where, t);
      case ProvisionedThroughputExceededException t -> new KinesisAccessException(call + " throttled on " + where, true, t);
      case LimitExceededException t -> new KinesisAccessException(call + " over a limit on " + where, true, t);
      case ResourceNotFoundException t -> new KinesisAccessException(
          "stream '" + stream + "' does not exist (" + endpoint.describe() + "); create it, or check the name and region", false, t);
      case KinesisException t when t.statusCode() >= 500 -> new KinesisAccessException(
          call + " failed on " + where + " with " + t.statusCode() + ": " + t.awsErrorDetails().errorMessage(), true, t);
      case KinesisException t -> new KinesisAccessException(call + " refused on " + where + ": "
          + (t.awsErrorDetails() == null ? t.getMessage() : t.awsErrorDetails().errorMessage()), false, t);
      case SdkClientException t when String.valueOf(t.getMessage()).startsWith("Unable to load credentials") ->
          new KinesisAccessException("no AWS credentials for " + where + ": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
              + "a profile (AWS_PROFILE) or an instance role (for the local stack: eval \"$(bin/convoy stack env)\")", false, t);
      case SdkClientException t -> new KinesisAccessException(
          "cannot reach Kinesis for " + where + ": " + Causes.message(t), false, t);
      default -> new KinesisAccessException(call + " failed on " + where + ": " + e.getMessage(), false, e);
    };
  }

  /** How Convoy reports an interrupted Kinesis call: as Spark expects a stopped query to end. */
  public static java.io.UncheckedIOException interrupted(String what) {
    Thread.currentThread().interrupt();
    return new java.io.UncheckedIOException(new java.io.InterruptedIOException(what + " interrupted (the query is stopping)"));
  }

  @Override
  public void close() {
    client.close();
  }
}

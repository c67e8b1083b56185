package dev.convoy.testing;

import static org.awaitility.Awaitility.await;

import dev.convoy.source.kinesis.proxy.StreamProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** Test helpers on kinesis-local: make a stream and wait until it is active, read a whole stream back. */
public final class Streams {

  private Streams() {}

  public static void create(KinesisClient kinesis, String stream, int shards) {
    kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
        kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
  }

  /** Every record of every shard, from the start; shards in ListShards order, records in shard order. */
  public static List<Record> readAll(KinesisClient kinesis, String stream) {
    return readAll(kinesis, stream, 10_000);
  }

  /** The same, with {@code limit} records per GetRecords call. */
  public static List<Record> readAll(KinesisClient kinesis, String stream, int limit) {
    List<Record> records = new ArrayList<>();
    for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
      String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      while (iterator != null) {
        String it = iterator;
        GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(it).limit(limit));
        records.addAll(page.records());
        if (page.records().isEmpty()) break;
        iterator = page.nextShardIterator();
      }
    }
    return records;
  }

  /** Puts records in order, 500 per PutRecords call; kinesis-local does not throttle, so any rejection fails the test. */
  public static void put(StreamProxy proxy, String stream, List<StreamProxy.OutgoingRecord> records) {
    for (int from = 0; from < records.size(); from += 500) {
      var results = proxy.putRecords(stream, records.subList(from, Math.min(records.size(), from + 500)));
      for (var r : results) {
        if (r instanceof StreamProxy.PutResult.Rejected rejected) throw new AssertionError("kinesis-local rejected a record: " + rejected);
      }
    }
  }

  /** Waits until a resharded stream is ACTIVE again. */
  public static void awaitActive(KinesisClient kinesis, String stream) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
        kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
  }

  public static void deleteQuietly(KinesisClient kinesis, String stream) {
    try {
      kinesis.deleteStream(b -> b.streamName(stream));
    } catch (RuntimeException ignored) {
      // best effort: the stack is disposable
    }
  }
}

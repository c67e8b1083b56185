package dev.convoy.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.convoy.testing.LocalStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** The local Kinesis (kinesis-local) behaves as Convoy needs, through the real AWS SDK v2. */
class KinesisLocalIT {

  private final LocalStack stack = LocalStack.fromEnvironment();

  @Test
  void recordsPutWithTheSdkAreReadBackFromEveryShard() {
    String stream = "it-roundtrip-" + UUID.randomUUID();
    try (KinesisClient kinesis = stack.kinesis()) {
      kinesis.createStream(b -> b.streamName(stream).shardCount(2));
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
          kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
              == StreamStatus.ACTIVE);

      List<String> sent = IntStream.range(0, 200).mapToObj(i -> "record-" + i).toList();
      PutRecordsResponse put = kinesis.putRecords(b -> b.streamName(stream).records(sent.stream()
          .map(s -> PutRecordsRequestEntry.builder().partitionKey(s).data(SdkBytes.fromUtf8String(s)).build())
          .toList()));
      assertThat(put.failedRecordCount()).isZero();

      List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
      assertThat(shards).hasSize(2);
      List<String> read = new ArrayList<>();
      for (Shard shard : shards) {
        String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        GetRecordsResponse page;
        do {
          String it = iterator;
          page = kinesis.getRecords(b -> b.shardIterator(it).limit(1000));
          page.records().forEach(r -> read.add(r.data().asString(StandardCharsets.UTF_8)));
          iterator = page.nextShardIterator();
        } while (!page.records().isEmpty());
      }
      assertThat(read).containsExactlyInAnyOrderElementsOf(sent);
    } finally {
      try (KinesisClient kinesis = stack.kinesis()) {
        kinesis.deleteStream(b -> b.streamName(stream));
      }
    }
  }
}

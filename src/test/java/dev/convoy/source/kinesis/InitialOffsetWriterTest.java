package dev.convoy.source.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first batch's start is pinned in the checkpoint once; a restart reads it back without asking Kinesis. */
class InitialOffsetWriterTest {

  private static final KinesisSourceOptions OPTIONS = KinesisSourceOptions.from(Map.of("streamName", "orders", "region", "us-east-1",
      "startingPosition", "TRIM_HORIZON"));

  @TempDir Path checkpoint;

  private final FakeStreamProxy kinesis = new FakeStreamProxy("orders", 2);

  private InitialOffsetWriter writer() {
    return new InitialOffsetWriter(OPTIONS, checkpoint.toString(), new Configuration(), Clock.systemUTC());
  }

  @Test
  void theShardsAreListedForTheFirstStartOnlyAndTheStoredOffsetIsReadBackAfterIt() {
    AtomicInteger listings = new AtomicInteger();

    KinesisOffset first = writer().initialOffset(() -> {
      listings.incrementAndGet();
      return kinesis.shards("orders");
    });
    KinesisOffset again = writer().initialOffset(() -> {
      listings.incrementAndGet();
      return List.of();
    });

    assertThat(first.shards()).containsOnlyKeys(FakeStreamProxy.shardId(0), FakeStreamProxy.shardId(1));
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(listings).as("a restart before the first commit reads the pinned offset").hasValue(1);
  }
}

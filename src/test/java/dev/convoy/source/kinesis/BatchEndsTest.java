package dev.convoy.source.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ends of shard reads in a real checkpoint folder: written once, read back, purged with Spark's retention. */
class BatchEndsTest {

  @TempDir Path checkpoint;

  private BatchEnds ends() {
    return new BatchEnds(checkpoint.toString(), new Configuration());
  }

  private static ShardEnd end(String lastSequence) {
    return new ShardEnd("shardId-000000000000", new Position.TrimHorizon(), lastSequence, false, true, 3, 0, 1_000, "it");
  }

  @Test
  void theFirstAttemptsEndStandsAndALaterAttemptGetsItBack() {
    ShardEnd first = ends().writeOnce(4, end("100"));
    ShardEnd second = ends().writeOnce(4, end("200"));

    assertThat(second).isEqualTo(first);
    assertThat(ends().read(4, "shardId-000000000000")).contains(first);
    assertThat(ends().read(5, "shardId-000000000000")).isEmpty();
  }

  @Test
  void purgingKeepsTheBatchesSparkStillKeeps() {
    for (long batch = 0; batch < 6; batch++) ends().writeOnce(batch, end(Long.toString(batch)));

    ends().purgeBefore(3);

    for (long batch = 0; batch < 6; batch++) {
      assertThat(Files.exists(checkpoint.resolve(BatchEnds.FOLDER).resolve(Long.toString(batch)))).as("batch %d", batch).isEqualTo(batch >= 3);
    }
  }
}

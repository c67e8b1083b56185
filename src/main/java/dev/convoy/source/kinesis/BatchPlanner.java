package dev.convoy.source.kinesis;

import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * Maps a batch's offsets to its partitions, one per shard read. Deterministic: Spark plans a batch more
 * than once, and a replayed batch must get the same partitions from the same offsets.
 */
final class BatchPlanner {

  private BatchPlanner() {}

  /** What the driver knows of a shard beyond the offsets: hints, never needed for correctness. */
  interface Hints {
    /** When the driver last called the shard (epoch ms), so the task keeps the per-shard rate; 0 if unknown. */
    long lastCallMillis(String shardId);

    /** A live iterator at {@code position}, or null. */
    String iterator(String shardId, Position position);
  }

  static InputPartition[] plan(KinesisOffset start, KinesisOffset end, Hints hints) {
    List<InputPartition> partitions = new ArrayList<>();
    if (end.legacy()) {
      // A batch fixed by the earlier source: its end sequence numbers are in the offset itself.
      for (ShardState to : end.shards().values()) {
        ShardState from = start.shards().get(to.shardId());
        if (to.lastSequence() == null || from == null || from.position().equals(to.position())) continue;
        partitions.add(new KinesisInputPartition(to.shardId(), KinesisOffset.NO_BATCH, from.position(), to.lastSequence(),
            hints.iterator(to.shardId(), from.position()), hints.lastCallMillis(to.shardId())));
      }
    } else {
      for (ShardState s : end.shards().values()) {
        if (s.read()) {
          partitions.add(new KinesisInputPartition(s.shardId(), end.batch(), s.position(), null,
              hints.iterator(s.shardId(), s.position()), hints.lastCallMillis(s.shardId())));
        }
      }
    }
    return partitions.toArray(InputPartition[]::new);
  }
}

package dev.convoy.source.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * Maps a batch's offsets to its partitions, one per shard read. Deterministic: Spark plans a batch more
 * than once, and a replayed batch must get the same partitions from the same offsets.
 */
final class BatchPlanner {

  private BatchPlanner() {}

  /**
   * @param probedAt when the driver last called each shard (epoch ms), so the task keeps the per-shard
   *                 rate; empty after a restart
   */
  static InputPartition[] plan(KinesisOffset start, KinesisOffset end, Map<String, Long> probedAt) {
    List<InputPartition> partitions = new ArrayList<>();
    if (end.legacy()) {
      // A batch fixed by the earlier source: its end sequence numbers are in the offset itself.
      for (ShardState to : end.shards().values()) {
        ShardState from = start.shards().get(to.shardId());
        if (to.lastSequence() == null || from == null || from.position().equals(to.position())) continue;
        partitions.add(new KinesisInputPartition(to.shardId(), KinesisOffset.NO_BATCH, from.position(), to.lastSequence(), 0));
      }
    } else {
      for (ShardState s : end.shards().values()) {
        if (s.read()) partitions.add(new KinesisInputPartition(s.shardId(), end.batch(), s.position(), null, probedAt.getOrDefault(s.shardId(), 0L)));
      }
    }
    return partitions.toArray(InputPartition[]::new);
  }
}

package dev.convoy.source.kinesis;

import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import dev.convoy.source.kinesis.proxy.StreamProxy.Shard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The first batch's start, kept in the checkpoint ({@value #FILE}): Spark does not log a first batch's
 * start offset, and LATEST must mean the same instant when that batch is replayed, so it is pinned to
 * the query's first start as AT_TIMESTAMP.
 */
final class InitialOffsetWriter {

  static final String FILE = "convoy-kinesis-initial-offset.json";

  private final KinesisSourceOptions options;
  private final Path file;
  private final CheckpointFiles files;
  private final Clock clock;

  InitialOffsetWriter(KinesisSourceOptions options, String checkpointLocation, Configuration conf, Clock clock) {
    this.options = options;
    this.file = new Path(checkpointLocation, FILE);
    this.files = new CheckpointFiles(file.getParent(), conf);
    this.clock = clock;
  }

  /**
   * The stored initial offset, or a new one for the stream's shards, stored before it is returned.
   *
   * @param shards lists the stream's shards; called only when no initial offset was stored yet
   */
  KinesisOffset initialOffset(Supplier<List<Shard>> shards) {
    try {
      Optional<String> stored = files.read(file);
      if (stored.isPresent()) return KinesisOffset.parse(stored.get());
      Position start = switch (options.startingPosition()) {
        case KinesisSourceOptions.StartingPosition.TrimHorizon t -> new Position.TrimHorizon();
        case KinesisSourceOptions.StartingPosition.Latest l -> new Position.AtTimestamp(clock.instant());
        case KinesisSourceOptions.StartingPosition.AtTimestamp a -> new Position.AtTimestamp(a.timestamp());
      };
      SortedMap<String, ShardState> states = new TreeMap<>();
      for (Shard shard : shards.get()) states.put(shard.shardId(), ShardState.at(shard.shardId(), shard.parents(), start, false));
      KinesisOffset initial = KinesisOffset.forBatch(KinesisOffset.NO_BATCH, states);
      files.write(file, initial.json(), true);
      return initial;
    } catch (IOException e) {
      throw new UncheckedIOException("convoy-kinesis: cannot read or write " + file + " for stream '" + options.streamName() + "'", e);
    }
  }
}

package dev.convoy.source.kinesis;

import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import java.io.Serializable;
import java.util.List;

/**
 * Where the source stands in one shard at a batch boundary: the position to read from next
 * ({@code AfterSequence} once anything was read), and whether the shard is closed and read to its end.
 */
public record ShardState(String shardId, List<String> parents, Position position, boolean finished) implements Serializable {

  public ShardState {
    parents = List.copyOf(parents);
    if (position instanceof Position.Latest) {
      // LATEST moves; a checkpoint holding it could not be replayed. The source pins it to a timestamp.
      throw new IllegalArgumentException("shard " + shardId + ": LATEST is never stored in an offset");
    }
  }

  ShardState advancedTo(Position next, boolean nowFinished) {
    return new ShardState(shardId, parents, next, nowFinished);
  }

  /** The last sequence number read before this position, if any. */
  String lastSequence() {
    return position instanceof Position.AfterSequence a ? a.sequenceNumber() : null;
  }
}

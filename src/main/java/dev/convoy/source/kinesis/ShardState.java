package dev.convoy.source.kinesis;

import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import java.io.Serializable;
import java.util.List;

/**
 * One shard in an offset: where it stands ({@code position}), whether it is closed and read to its
 * end, its parents, and whether the batch that this offset ends reads it. In a version-2 offset the
 * position is where that batch starts reading the shard; its end is known only after the read and is
 * kept in {@link BatchEnds}. In a version-1 offset (written before executors read) it is the batch's end.
 */
public record ShardState(String shardId, List<String> parents, Position position, boolean finished, boolean read)
    implements Serializable {

  public ShardState {
    parents = List.copyOf(parents);
    if (position instanceof Position.Latest) {
      // LATEST moves; a checkpoint holding it could not be replayed. The source pins it to a timestamp.
      throw new IllegalArgumentException("shard " + shardId + ": LATEST is never stored in an offset");
    }
    if (read && finished) throw new IllegalArgumentException("shard " + shardId + ": a finished shard has nothing left to read");
  }

  /** A shard no batch is reading right now. */
  static ShardState at(String shardId, List<String> parents, Position position, boolean finished) {
    return new ShardState(shardId, parents, position, finished, false);
  }

  ShardState reading() {
    return new ShardState(shardId, parents, position, false, true);
  }

  ShardState resting() {
    return read ? new ShardState(shardId, parents, position, finished, false) : this;
  }

  /** The last sequence number read before this position, if any. */
  String lastSequence() {
    return position instanceof Position.AfterSequence a ? a.sequenceNumber() : null;
  }
}

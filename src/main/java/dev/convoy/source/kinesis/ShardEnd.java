package dev.convoy.source.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import java.util.Objects;

/**
 * Where one task's read of one shard ended, written before the task completes. {@code lastSequence} is
 * the last Kinesis record it read (null if none): a replay reads exactly {@code (from, lastSequence]}.
 * {@code caughtUp} says the read stopped because the shard had nothing more, not at a limit, so the
 * driver probes the shard before planning another read. {@code iterator} continues at {@code to} until
 * about five minutes after {@code lastCallMillis}; it saves the driver's probe a GetShardIterator call.
 */
record ShardEnd(String shardId, Position from, String lastSequence, boolean finished, boolean caughtUp, int records,
                long millisBehindLatest, long lastCallMillis, String iterator) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the next read of this shard starts. */
  Position to() {
    return lastSequence == null ? from : new Position.AfterSequence(lastSequence);
  }

  /** Whether {@code other} read the same records and reached the same state (iterators and timings may differ). */
  boolean sameRangeAs(ShardEnd other) {
    return shardId.equals(other.shardId) && from.equals(other.from) && Objects.equals(lastSequence, other.lastSequence)
        && finished == other.finished;
  }

  String json() {
    ObjectNode node = JSON.createObjectNode();
    node.put("v", 1);
    node.put("shard", shardId);
    node.put("from", KinesisOffset.encode(from));
    if (lastSequence != null) node.put("lastSequence", lastSequence);
    node.put("finished", finished);
    node.put("caughtUp", caughtUp);
    node.put("records", records);
    node.put("millisBehindLatest", millisBehindLatest);
    node.put("lastCallMillis", lastCallMillis);
    if (iterator != null) node.put("iterator", iterator);
    return node.toString();
  }

  static ShardEnd parse(String json) {
    try {
      JsonNode n = JSON.readTree(json);
      if (n.path("v").asInt() != 1) throw new IllegalArgumentException("unknown version " + n.path("v"));
      return new ShardEnd(n.path("shard").asText(), KinesisOffset.decode(n.path("from").asText()),
          n.hasNonNull("lastSequence") ? n.path("lastSequence").asText() : null, n.path("finished").asBoolean(),
          n.path("caughtUp").asBoolean(), n.path("records").asInt(), n.path("millisBehindLatest").asLong(),
          n.path("lastCallMillis").asLong(), n.hasNonNull("iterator") ? n.path("iterator").asText() : null);
    } catch (Exception e) {
      throw new IllegalStateException("convoy-kinesis: cannot read a batch end: " + json, e);
    }
  }
}

package dev.convoy.source.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.connector.read.streaming.Offset;

/**
 * A batch boundary: every known shard's {@link ShardState}. Spark writes it to the checkpoint's offset
 * log before the batch runs, as JSON such as
 * {@code {"v":1,"shards":{"shardId-000":{"from":"AFTER:4959…","finished":false,"parents":[]}}}}.
 */
public final class KinesisOffset extends Offset {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SortedMap<String, ShardState> shards;

  public KinesisOffset(SortedMap<String, ShardState> shards) {
    this.shards = Collections.unmodifiableSortedMap(new TreeMap<>(shards));
  }

  public SortedMap<String, ShardState> shards() {
    return shards;
  }

  @Override
  public String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("v", 1);
    ObjectNode all = root.putObject("shards");
    shards.forEach((id, state) -> {
      ObjectNode node = all.putObject(id);
      node.put("from", encode(state.position()));
      node.put("finished", state.finished());
      ArrayNode parents = node.putArray("parents");
      state.parents().forEach(parents::add);
    });
    return root.toString();
  }

  /** Spark sometimes hands back an offset as it read it from the log (a SerializedOffset), not as this class. */
  public static KinesisOffset of(org.apache.spark.sql.connector.read.streaming.Offset offset) {
    return offset instanceof KinesisOffset k ? k : parse(offset.json());
  }

  public static KinesisOffset parse(String json) {
    try {
      JsonNode root = JSON.readTree(json);
      if (root.path("v").asInt() != 1) throw new IllegalArgumentException("unknown offset version " + root.path("v"));
      SortedMap<String, ShardState> shards = new TreeMap<>();
      root.path("shards").fields().forEachRemaining(e -> {
        List<String> parents = new ArrayList<>();
        e.getValue().path("parents").forEach(p -> parents.add(p.asText()));
        shards.put(e.getKey(), new ShardState(e.getKey(), parents, decode(e.getValue().path("from").asText()),
            e.getValue().path("finished").asBoolean()));
      });
      return new KinesisOffset(shards);
    } catch (Exception e) {
      throw new IllegalStateException("convoy-kinesis: cannot read the offset in the checkpoint: " + json
          + " (was the checkpoint written by another source? use a new checkpoint location)", e);
    }
  }

  static String encode(Position position) {
    return switch (position) {
      case Position.TrimHorizon p -> "TRIM_HORIZON";
      case Position.AtTimestamp p -> "AT_TIMESTAMP:" + p.timestamp();
      case Position.AfterSequence p -> "AFTER:" + p.sequenceNumber();
      case Position.Latest p -> throw new IllegalArgumentException("LATEST is never stored in an offset");
    };
  }

  static Position decode(String text) {
    if (text.equals("TRIM_HORIZON")) return new Position.TrimHorizon();
    if (text.startsWith("AT_TIMESTAMP:")) return new Position.AtTimestamp(Instant.parse(text.substring("AT_TIMESTAMP:".length())));
    if (text.startsWith("AFTER:")) return new Position.AfterSequence(text.substring("AFTER:".length()));
    throw new IllegalArgumentException("unknown shard position '" + text + "'");
  }
}

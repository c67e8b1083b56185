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
 * A batch boundary, as Spark writes it to the checkpoint's offset log before the batch runs.
 *
 * <p>Version 2 (executors read): {@code {"v":2,"batch":7,"shards":{"shardId-000":{"from":"AFTER:4959…",
 * "finished":false,"parents":[],"read":true}}}} — the source's batch number and, per shard, where that
 * batch starts and whether it reads the shard. Where it ends is written by the reading task into
 * {@link BatchEnds} under the same batch number.
 *
 * <p>Version 1 (the driver read, before 2026-11): {@code {"v":1,"shards":{…}}} with each shard's
 * position after the batch. Still read, so a checkpoint written by the earlier source keeps working.
 */
public final class KinesisOffset extends Offset {

  /** The batch number of an offset no batch has read from yet (the initial offset, or a version-1 one). */
  static final long NO_BATCH = -1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final int version;
  private final long batch;
  private final SortedMap<String, ShardState> shards;

  private KinesisOffset(int version, long batch, SortedMap<String, ShardState> shards) {
    this.version = version;
    this.batch = batch;
    this.shards = Collections.unmodifiableSortedMap(new TreeMap<>(shards));
  }

  /** An offset of the current format, ending the source's batch {@code batch}. */
  public static KinesisOffset forBatch(long batch, SortedMap<String, ShardState> shards) {
    return new KinesisOffset(2, batch, shards);
  }

  /** An offset as the earlier source wrote it: each shard's position is the end of the batch. */
  static KinesisOffset legacy(SortedMap<String, ShardState> shards) {
    shards.values().forEach(s -> {
      if (s.read()) throw new IllegalArgumentException("a version-1 offset has no shards to read");
    });
    return new KinesisOffset(1, NO_BATCH, shards);
  }

  public SortedMap<String, ShardState> shards() {
    return shards;
  }

  /** The source's number for the batch this offset ends; {@link #NO_BATCH} for none. */
  long batch() {
    return batch;
  }

  /** Written by the source before executors read: shard positions are batch ends, not starts. */
  boolean legacy() {
    return version == 1;
  }

  @Override
  public String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("v", version);
    if (version >= 2) root.put("batch", batch);
    ObjectNode all = root.putObject("shards");
    shards.forEach((id, state) -> {
      ObjectNode node = all.putObject(id);
      node.put("from", encode(state.position()));
      node.put("finished", state.finished());
      ArrayNode parents = node.putArray("parents");
      state.parents().forEach(parents::add);
      if (version >= 2) node.put("read", state.read());
    });
    return root.toString();
  }

  /** Spark sometimes hands back an offset as it read it from the log (a SerializedOffset), not as this class. */
  public static KinesisOffset of(Offset offset) {
    return offset instanceof KinesisOffset k ? k : parse(offset.json());
  }

  public static KinesisOffset parse(String json) {
    try {
      JsonNode root = JSON.readTree(json);
      int version = root.path("v").asInt();
      if (version != 1 && version != 2) throw new IllegalArgumentException("unknown offset version " + root.path("v"));
      SortedMap<String, ShardState> shards = new TreeMap<>();
      root.path("shards").fields().forEachRemaining(e -> {
        List<String> parents = new ArrayList<>();
        e.getValue().path("parents").forEach(p -> parents.add(p.asText()));
        shards.put(e.getKey(), new ShardState(e.getKey(), parents, decode(e.getValue().path("from").asText()),
            e.getValue().path("finished").asBoolean(), e.getValue().path("read").asBoolean(false)));
      });
      if (version == 1) return legacy(shards);
      if (!root.path("batch").canConvertToLong()) throw new IllegalArgumentException("no batch number");
      return forBatch(root.path("batch").asLong(), shards);
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

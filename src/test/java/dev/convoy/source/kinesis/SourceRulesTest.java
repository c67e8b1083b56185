package dev.convoy.source.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import dev.convoy.source.kinesis.proxy.StreamProxy.ReceivedRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The built-in source's rules that need no Kinesis: offsets, options, KPL records. */
class SourceRulesTest {

  private static final Instant T = Instant.parse("2026-11-25T10:00:00.123Z");

  @Test
  void offsetsRoundTripThroughTheirJson() {
    var shards = new TreeMap<String, ShardState>();
    shards.put("shardId-000000000000", new ShardState("shardId-000000000000", List.of(), new Position.AfterSequence("4959"), true, false));
    shards.put("shardId-000000000002", new ShardState("shardId-000000000002", List.of("shardId-000000000000", "shardId-000000000001"),
        new Position.TrimHorizon(), false, true));
    shards.put("shardId-000000000003", new ShardState("shardId-000000000003", List.of(), new Position.AtTimestamp(T), false, false));
    KinesisOffset offset = KinesisOffset.forBatch(7, shards);

    KinesisOffset back = KinesisOffset.parse(offset.json());

    assertThat(back.shards()).isEqualTo(offset.shards());
    assertThat(back.batch()).isEqualTo(7);
    assertThat(back).isEqualTo(offset); // Spark compares offsets by their JSON to decide whether a batch runs
  }

  @Test
  void anOffsetWrittenBeforeExecutorsReadIsStillReadAsTheEndOfItsBatch() {
    String v1 = "{\"v\":1,\"shards\":{\"shardId-000000000000\":{\"from\":\"AFTER:4959\",\"finished\":false,\"parents\":[]}}}";

    KinesisOffset offset = KinesisOffset.parse(v1);

    assertThat(offset.legacy()).isTrue();
    assertThat(offset.shards().get("shardId-000000000000").lastSequence()).isEqualTo("4959");
    assertThat(offset.json()).isEqualTo(v1); // written back unchanged, so Spark sees the same offset
  }

  @Test
  void anOffsetFromAnotherSourceIsRefusedWithAHint() {
    assertThatThrownBy(() -> KinesisOffset.parse("{\"logOffset\":3}"))
        .hasMessageContaining("cannot read the offset").hasMessageContaining("new checkpoint location");
  }

  @Test
  void latestIsNeverStoredBecauseItWouldMoveOnReplay() {
    assertThatThrownBy(() -> new ShardState("s", List.of(), new Position.Latest(), false, false)).hasMessageContaining("LATEST");
  }

  @Test
  void optionsAreValidatedNamingTheOption() {
    assertThat(KinesisSourceOptions.from(Map.of("STREAMNAME", "s", "region", "eu-west-1")).streamName()).isEqualTo("s");
    assertThatThrownBy(() -> KinesisSourceOptions.from(Map.of("region", "eu-west-1"))).hasMessageContaining("'streamName' is required");
    assertThatThrownBy(() -> KinesisSourceOptions.from(Map.of("streamName", "s", "maxFetchTime", "soon")))
        .hasMessageContaining("maxFetchTime").hasMessageContaining("not a duration");
    assertThatThrownBy(() -> KinesisSourceOptions.from(Map.of("streamName", "s", "startingPosition", "AT_TIMESTAMP")))
        .hasMessageContaining("startingTimestamp");
    assertThatThrownBy(() -> KinesisSourceOptions.from(Map.of("streamName", "s", "startingPosition", "EARLIEST_EVER")))
        .hasMessageContaining("'startingPosition' is 'EARLIEST_EVER'");
    assertThatThrownBy(() -> KinesisSourceOptions.from(Map.of("streamName", "s", "maxRecordsPerShard", "ten")))
        .hasMessageContaining("'maxRecordsPerShard' is 'ten'");
    assertThatThrownBy(() -> KinesisSourceOptions.from(Map.of("streamName", "s", "listShardsInterval", "-PT1S")))
        .hasMessageContaining("'listShardsInterval' is PT-1S");
  }

  @Test
  void kplAggregatedRecordsAreSplitIntoTheirUserRecords() {
    byte[] aggregated = KplAggregation.aggregate(List.of(Map.entry("a", bytes("one")), Map.entry("b", bytes("two")), Map.entry("a", bytes("three"))));

    List<ReceivedRecord> records = KplAggregation.deaggregate(new ReceivedRecord("100", "ignored", T, aggregated));

    assertThat(records).extracting(r -> r.sequenceNumber() + " " + r.partitionKey() + " " + new String(r.data(), StandardCharsets.UTF_8))
        .containsExactly("100:0 a one", "100:1 b two", "100:2 a three");
    assertThat(records).allSatisfy(r -> assertThat(r.arrivalTime()).isEqualTo(T));
  }

  @Test
  void plainRecordsAndCorruptAggregatesPassThroughWhole() {
    ReceivedRecord plain = new ReceivedRecord("7", "k", T, bytes("hello"));
    assertThat(KplAggregation.deaggregate(plain)).containsExactly(plain);

    byte[] aggregated = KplAggregation.aggregate(List.of(Map.entry("a", bytes("one"))));
    aggregated[aggregated.length - 1] ^= 1; // digest no longer matches: not an aggregate, keep it whole
    ReceivedRecord corrupt = new ReceivedRecord("8", "k", T, aggregated);
    assertThat(KplAggregation.deaggregate(corrupt)).containsExactly(corrupt);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

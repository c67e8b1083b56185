package dev.convoy.source.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import dev.convoy.testing.MovableClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the driver decides a batch without reading records, against {@link FakeStreamProxy} and real checkpoint files. */
class OffsetReaderTest {

  private static final String S0 = FakeStreamProxy.shardId(0);
  private static final String S1 = FakeStreamProxy.shardId(1);
  private static final KinesisSourceOptions OPTIONS = KinesisSourceOptions.from(Map.of("streamName", "orders", "region", "us-east-1",
      "getRecordsInterval", "10ms", "maxRecordsPerShard", "10"));

  @TempDir Path checkpoint;

  private final FakeStreamProxy kinesis = new FakeStreamProxy("orders", 2);

  private BatchEnds ends() {
    return new BatchEnds(checkpoint.toString(), new Configuration());
  }

  private OffsetReader reader() {
    return new OffsetReader(OPTIONS, kinesis, ends(), Clock.systemUTC());
  }

  private static KinesisOffset initial(String... shardIds) {
    SortedMap<String, ShardState> shards = new TreeMap<>();
    for (String id : shardIds) shards.put(id, ShardState.at(id, List.of(), new Position.TrimHorizon(), false));
    return KinesisOffset.forBatch(KinesisOffset.NO_BATCH, shards);
  }

  /** What a task does: reads the shard from where the offset says and records its end. */
  private ShardEnd readAsATask(KinesisOffset offset, String shardId) {
    ShardReader.Read read = new ShardReader(kinesis, OPTIONS, Clock.systemUTC())
        .read(shardId, offset.shards().get(shardId).position(), null, null, 0);
    while (read.next() != null) {
      // rows would go to Spark here
    }
    return ends().writeOnce(offset.batch(), read.end());
  }

  private long pagesOf(String shardId) {
    return kinesis.calls().stream().filter(c -> c.api().equals("GetRecords") && shardId.equals(c.shardId())).count();
  }

  @Test
  void idleShardsRunNoBatchAndCostOneGetRecordsEachPerTrigger() {
    OffsetReader reader = reader();
    KinesisOffset start = initial(S0, S1);

    assertThat(reader.next(start)).isSameAs(start);
    long iterators = kinesis.count("GetShardIterator");
    long pages = kinesis.count("GetRecords");
    assertThat(reader.next(start)).isSameAs(start);

    assertThat(kinesis.count("GetShardIterator")).as("the probes reuse their iterators").isEqualTo(iterators);
    assertThat(kinesis.count("GetRecords") - pages).isEqualTo(2);
  }

  @Test
  void onlyShardsWithNewRecordsAreReadAndTheNextBatchStartsWhereTheirReadsEnded() {
    OffsetReader reader = reader();
    kinesis.put(S0, "a", 4);

    KinesisOffset first = reader.next(initial(S0, S1));
    ShardEnd end = readAsATask(first, S0);
    kinesis.put(S0, "b", 2);
    KinesisOffset second = reader.next(first);

    assertThat(first.batch()).isZero();
    assertThat(first.shards().get(S0).read()).isTrue();
    assertThat(first.shards().get(S1).read()).isFalse();
    assertThat(second.batch()).isEqualTo(1);
    assertThat(second.shards().get(S0).position()).isEqualTo(end.to());
    assertThat(second.shards().get(S0).read()).isTrue();
  }

  @Test
  void theTaskStartsWithTheIteratorTheProbeUsedInsteadOfAskingForOne() {
    OffsetReader reader = reader();
    kinesis.put(S0, "a", 4);
    KinesisOffset first = reader.next(initial(S0));
    KinesisInputPartition partition = (KinesisInputPartition) BatchPlanner.plan(initial(S0), first, reader)[0];
    long iterators = kinesis.count("GetShardIterator");

    ShardReader.Read read = new ShardReader(kinesis, OPTIONS, Clock.systemUTC())
        .read(S0, partition.from(), null, partition.iterator(), partition.notBeforeMillis());
    int records = 0;
    for (var page = read.next(); page != null; page = read.next()) records += page.size();

    assertThat(records).isEqualTo(4);
    assertThat(kinesis.count("GetShardIterator")).isEqualTo(iterators);
  }

  @Test
  void aReadStoppedAtItsLimitIsContinuedWithoutAskingKinesisFirst() {
    OffsetReader reader = reader();
    kinesis.put(S0, "a", 25);
    KinesisOffset first = reader.next(initial(S0));
    ShardEnd end = readAsATask(first, S0);
    long pages = pagesOf(S0);

    KinesisOffset second = reader.next(first);

    assertThat(end.caughtUp()).isFalse();
    assertThat(second.shards().get(S0).read()).isTrue();
    assertThat(pagesOf(S0)).as("no probe").isEqualTo(pages);
  }

  @Test
  void aCommittedBatchWithoutItsRecordedEndStopsTheQueryNamingStreamShardAndBatch() {
    OffsetReader reader = reader();
    kinesis.put(S1, "a", 3);
    KinesisOffset first = reader.next(initial(S0, S1));
    // The task's end never reached the checkpoint (deleted, or a task that succeeded without reading to the end).

    assertThatThrownBy(() -> reader().next(first)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stream 'orders'").hasMessageContaining("shard " + S1).hasMessageContaining("batch 0")
        .hasMessageContaining("missing").hasMessageContaining(checkpoint.toString());
  }

  @Test
  void aChildShardIsReadOnlyAfterItsParentWasReadToItsEnd() {
    kinesis.put(S0, "parent", 3);
    kinesis.close(S0);
    String child = FakeStreamProxy.shardId(2);
    kinesis.addShard(child, S0, null);
    kinesis.put(child, "child", 3);
    OffsetReader reader = reader();

    KinesisOffset first = reader.next(initial(S0));
    readAsATask(first, S0);
    KinesisOffset second = reader.next(first);

    assertThat(first.shards().get(S0).read()).isTrue();
    assertThat(first.shards().get(child).read()).as("parent not yet read to its end").isFalse();
    assertThat(second.shards().get(S0).finished()).isTrue();
    assertThat(second.shards().get(child).read()).isTrue();
  }

  @Test
  void theShardsAreListedAgainOnlyOnceListShardsIntervalHasPassed() {
    MovableClock clock = new MovableClock(Instant.parse("2026-11-29T00:00:00Z"));
    OffsetReader reader = new OffsetReader(OPTIONS, kinesis, ends(), clock);
    KinesisOffset start = initial(S0, S1);

    for (int trigger = 0; trigger < 3; trigger++) reader.next(start);
    long withinTheInterval = kinesis.count("ListShards");
    clock.advance(Duration.ofMinutes(1));
    reader.next(start);

    assertThat(withinTheInterval).as("three idle triggers within the default minute").isEqualTo(1);
    assertThat(kinesis.count("ListShards")).isEqualTo(2);
  }

  @Test
  void aNewQuerysFirstTriggerUsesTheListingOfItsInitialOffset() {
    MovableClock clock = new MovableClock(Instant.parse("2026-11-29T00:00:00Z"));
    OffsetReader reader = new OffsetReader(OPTIONS, kinesis, ends(), clock);

    assertThat(reader.shards()).hasSize(2);
    KinesisOffset first = reader.next(initial(S0, S1));
    long atStart = kinesis.count("ListShards");
    clock.advance(Duration.ofMinutes(1));
    reader.next(first);

    assertThat(atStart).as("the initial offset's listing, then the first trigger").isEqualTo(1);
    assertThat(kinesis.count("ListShards")).as("a minute after the initial offset's listing").isEqualTo(2);
  }

  @Test
  void aSplitWhileItsParentIsReadIsListedAsSoonAsTheParentsReadReachesItsEnd() {
    OffsetReader reader = new OffsetReader(OPTIONS, kinesis, ends(), new MovableClock(Instant.parse("2026-11-29T00:00:00Z")));
    kinesis.put(S0, "a", 3);
    KinesisOffset first = reader.next(initial(S0, S1));
    // The split: S0 closes after two more records, and its child takes its keys from then on.
    kinesis.put(S0, "b", 2);
    kinesis.close(S0);
    String child = FakeStreamProxy.shardId(2);
    kinesis.addShard(child, S0, null);
    kinesis.put(child, "c", 2);
    readAsATask(first, S0);

    KinesisOffset second = reader.next(first);

    assertThat(kinesis.count("ListShards")).isEqualTo(2);
    assertThat(second.shards().get(S0).finished()).isTrue();
    assertThat(second.shards()).containsKey(child);
    assertThat(second.shards().get(child).read()).isTrue();
  }

  @Test
  void aShardThatClosesWhileIdleIsFoundByItsProbeAndItsChildrenAreListedOnTheNextTrigger() {
    OffsetReader reader = new OffsetReader(OPTIONS, kinesis, ends(), new MovableClock(Instant.parse("2026-11-29T00:00:00Z")));
    KinesisOffset start = initial(S0, S1);
    assertThat(reader.next(start)).isSameAs(start);
    kinesis.close(S0);
    String child = FakeStreamProxy.shardId(2);
    kinesis.addShard(child, S0, null);
    kinesis.put(child, "c", 2);

    KinesisOffset closed = reader.next(start);
    KinesisOffset next = reader.next(closed);

    assertThat(closed.shards().get(S0).finished()).isTrue();
    assertThat(next.shards()).containsKey(child);
    assertThat(next.shards().get(child).read()).isTrue();
    assertThat(kinesis.count("ListShards")).isEqualTo(2);
  }

  @Test
  void anUnreachableEndpointFailsTheTriggerWithTheProxysMessage() {
    kinesis.unreachable(true);

    assertThatThrownBy(() -> reader().next(initial(S0))).hasMessageContaining("cannot reach Kinesis for stream 'orders'");
  }
}

package dev.convoy.source.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoy.source.kinesis.proxy.KinesisAccessException;
import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import dev.convoy.source.kinesis.proxy.StreamProxy.ReceivedRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a task reads a shard and how the driver probes one, against {@link FakeStreamProxy}. */
class ShardReaderTest {

  private static final String SHARD = FakeStreamProxy.shardId(0);

  private final FakeStreamProxy kinesis = new FakeStreamProxy("s", 1);

  private ShardReader reader(String... options) {
    Map<String, String> o = new HashMap<>(Map.of("streamName", "s", "region", "us-east-1", "getRecordsInterval", "20ms"));
    for (int i = 0; i < options.length; i += 2) o.put(options[i], options[i + 1]);
    return new ShardReader(kinesis, KinesisSourceOptions.from(o), Clock.systemUTC());
  }

  private static List<String> drain(ShardReader.Read read) {
    List<String> data = new ArrayList<>();
    for (List<ReceivedRecord> page = read.next(); page != null; page = read.next()) {
      page.forEach(r -> data.add(new String(r.data(), StandardCharsets.UTF_8)));
    }
    return data;
  }

  @Test
  void anOpenEndedReadStopsAtTheBatchLimitAndSaysThereIsMore() {
    kinesis.put(SHARD, "r", 25);
    ShardReader reader = reader("maxRecordsPerShard", "10", "getRecordsLimit", "4");

    ShardReader.Read first = reader.read(SHARD, new Position.TrimHorizon(), null, null, 0);
    List<String> firstData = drain(first);
    ShardEnd end = first.end();
    ShardReader.Read second = reader.read(SHARD, end.to(), null, null, 0);
    List<String> secondData = drain(second);

    assertThat(firstData).hasSize(10).startsWith("r-0").endsWith("r-9");
    assertThat(end.caughtUp()).as("stopped at the limit, not at the tip").isFalse();
    assertThat(end.records()).isEqualTo(10);
    assertThat(secondData).hasSize(10).startsWith("r-10").endsWith("r-19");
  }

  @Test
  void aReadThatReachesTheTipReturnsAtOnceInsteadOfWaitingForRecords() {
    kinesis.put(SHARD, "r", 3);

    ShardReader.Read read = reader().read(SHARD, new Position.TrimHorizon(), null, null, 0);
    List<String> data = drain(read);

    assertThat(data).containsExactly("r-0", "r-1", "r-2");
    assertThat(read.end().caughtUp()).isTrue();
    assertThat(read.end().iterator()).as("an iterator at the end, for the driver's next probe").isNotNull();
    assertThat(kinesis.count("GetRecords")).isEqualTo(1);
  }

  @Test
  void aReplayReadsExactlyToTheRecordedEndAcrossPagesThoughMoreRecordsFollow() {
    List<String> sequences = kinesis.put(SHARD, "r", 30);

    ShardReader.Read replay = reader("getRecordsLimit", "7").read(SHARD, new Position.AfterSequence(sequences.get(4)), sequences.get(20), null, 0);

    assertThat(drain(replay)).hasSize(16).startsWith("r-5").endsWith("r-20");
    assertThat(replay.end().lastSequence()).isEqualTo(sequences.get(20));
  }

  @Test
  void aReplayWhoseRecordsExpiredFailsNamingShardAndRange() {
    List<String> sequences = kinesis.put(SHARD, "r", 10);
    kinesis.close(SHARD);
    kinesis.trim(SHARD, 10);

    ShardReader.Read replay = reader().read(SHARD, new Position.TrimHorizon(), sequences.get(5), null, 0);

    assertThatThrownBy(() -> drain(replay)).hasMessageContaining("replaying shard " + SHARD)
        .hasMessageContaining("no longer holds record " + sequences.get(5));
  }

  @Test
  void aClosedShardReadToItsEndIsFinished() {
    kinesis.put(SHARD, "r", 5);
    kinesis.close(SHARD);

    ShardReader.Read read = reader().read(SHARD, new Position.TrimHorizon(), null, null, 0);

    assertThat(drain(read)).hasSize(5);
    assertThat(read.end().finished()).isTrue();
    assertThat(reader().probe(SHARD, read.end().to(), null, 0).finished()).isTrue();
  }

  @Test
  void throttlingIsRetriedWithBackoffAndFailsOnlyPastMaxRetries() {
    kinesis.put(SHARD, "r", 3);
    kinesis.throttleNext(2);
    assertThat(drain(reader("maxRetries", "2").read(SHARD, new Position.TrimHorizon(), null, null, 0))).hasSize(3);

    kinesis.throttleNext(4);
    assertThatThrownBy(() -> drain(reader("maxRetries", "2").read(SHARD, new Position.TrimHorizon(), null, null, 0)))
        .isInstanceOf(KinesisAccessException.class).hasMessageContaining("throttled on stream 's'");
  }

  @Test
  void anExpiredIteratorIsRenewedFromTheLastRecordReadWithoutLosingOrRepeatingOne() {
    kinesis.put(SHARD, "r", 12);
    ShardReader.Read read = reader("getRecordsLimit", "5").read(SHARD, new Position.TrimHorizon(), null, null, 0);

    List<String> data = new ArrayList<>();
    read.next().forEach(r -> data.add(new String(r.data(), StandardCharsets.UTF_8)));
    kinesis.expireIterators();
    data.addAll(drain(read));

    assertThat(data).hasSize(12).doesNotHaveDuplicates().startsWith("r-0").endsWith("r-11");
  }

  @Test
  void callsOnOneShardKeepTheIntervalAcrossTheProbeAndTheRead() {
    kinesis.put(SHARD, "r", 40);
    ShardReader reader = reader("getRecordsLimit", "10", "getRecordsInterval", "50ms");

    ShardReader.Probe probe = reader.probe(SHARD, new Position.TrimHorizon(), null, 0);
    drain(reader.read(SHARD, new Position.TrimHorizon(), null, null, probe.callMillis()));

    List<Long> times = kinesis.calls().stream().filter(c -> c.api().equals("GetRecords")).map(FakeStreamProxy.Call::atMillis).toList();
    assertThat(times).hasSize(1 + 4);
    for (int i = 1; i < times.size(); i++) assertThat(times.get(i) - times.get(i - 1)).as("gap before call %d", i).isGreaterThanOrEqualTo(50);
  }

  @Test
  void aProbeAsksForOneRecordAndSeesWhetherAShardHasNewOnes() {
    ShardReader reader = reader();
    ShardReader.Probe idle = reader.probe(SHARD, new Position.TrimHorizon(), null, 0);
    kinesis.put(SHARD, "r", 3);
    ShardReader.Probe busy = reader.probe(SHARD, new Position.TrimHorizon(), idle.nextIterator(), idle.callMillis());

    assertThat(idle.hasRecords()).isFalse();
    assertThat(idle.nextIterator()).isNotNull();
    assertThat(busy.hasRecords()).isTrue();
    assertThat(kinesis.count("GetShardIterator")).as("the second probe reused the first one's iterator").isEqualTo(1);
  }
}

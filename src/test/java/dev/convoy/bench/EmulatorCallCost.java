package dev.convoy.bench;

import dev.convoy.testing.LocalStack;
import dev.convoy.testing.Streams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * kinesis-local's own CPU per call, read from {@code /proc} around 200 calls of each kind on a 1-shard
 * stream: what the emulator beside a measured driver takes from the same cores (ScaleBenchmark's load
 * puts 5 events per stream every 5 s; a job's batch makes a probe and a read).
 *
 * <p>{@code bin/convoy bench --main dev.convoy.bench.EmulatorCallCost} with the local stack up.
 */
public final class EmulatorCallCost {

  private static final int CALLS = 200;

  public static void main(String[] args) throws Exception {
    LocalStack stack = LocalStack.fromEnvironment();
    String stackDir = System.getenv("CONVOY_STACK_DIR");
    Path stat = (stackDir == null ? Optional.<Path>empty() : RigCpu.emulatorStat(Path.of(stackDir))).orElseThrow(() ->
        new IllegalStateException("kinesis-local is not running here: run 'bin/convoy stack up', then 'eval \"$(bin/convoy stack env)\"'"));
    try (KinesisClient kinesis = stack.kinesis()) {
      String stream = "emulator-cost-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
      kinesis.createStream(b -> b.streamName(stream).shardCount(1));
      try {
        Streams.awaitActive(kinesis, stream);
        String shard = kinesis.listShards(b -> b.streamName(stream)).shards().getFirst().shardId();
        List<PutRecordsRequestEntry> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) five.add(PutRecordsRequestEntry.builder().partitionKey("k" + i).data(SdkBytes.fromByteArray(new byte[120])).build());
        for (int round = 1; round <= 2; round++) { // the first round warms the emulator and this JVM
          Map<String, Double> msPerCall = new LinkedHashMap<>();
          msPerCall.put("PutRecords of 5", measure(stat, () -> kinesis.putRecords(b -> b.streamName(stream).records(five))));
          msPerCall.put("ListShards", measure(stat, () -> kinesis.listShards(b -> b.streamName(stream))));
          msPerCall.put("GetShardIterator", measure(stat, () -> kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard)
              .shardIteratorType(ShardIteratorType.TRIM_HORIZON))));
          String first = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
          msPerCall.put("GetRecords of 1", measure(stat, () -> kinesis.getRecords(b -> b.shardIterator(first).limit(1))));
          msPerCall.put("GetRecords of 1,000", measure(stat, () -> kinesis.getRecords(b -> b.shardIterator(first).limit(1000))));
          System.out.printf("round %d (%d records in the stream), ms of the emulator's CPU per call: %s%n", round, 5 * CALLS * round, msPerCall);
        }
      } finally {
        Streams.deleteQuietly(kinesis, stream);
      }
    }
  }

  private static double measure(Path stat, Runnable call) throws Exception {
    long before = RigCpu.ticks(stat);
    for (int i = 0; i < CALLS; i++) call.run();
    return Math.round((RigCpu.ticks(stat) - before) * 1000.0 / ScaleBenchmark.CLOCK_TICKS / CALLS * 10) / 10.0;
  }
}

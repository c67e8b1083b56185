package dev.convoy.source.kinesis;

import dev.convoy.source.kinesis.proxy.KinesisAccessException;
import dev.convoy.source.kinesis.proxy.StreamProxy;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kinesis in memory, for the rules that need no emulator: shards with records, closed shards,
 * throttling, expired iterators and unreachable endpoints on demand, and a log of every call with its
 * time. Iterators are "shard/index/generation"; {@link #expireIterators} ages every one handed out so far.
 */
final class FakeStreamProxy implements StreamProxy {

  /** One call as Kinesis would bill it. */
  record Call(String api, String shardId, long atMillis) {}

  private static final class FakeShard {
    final Shard shard;
    final List<ReceivedRecord> records = new ArrayList<>();
    boolean closed;

    FakeShard(Shard shard) {
      this.shard = shard;
    }
  }

  private final String stream;
  private final Map<String, FakeShard> shards = new LinkedHashMap<>();
  private final List<Call> calls = new ArrayList<>();
  private final AtomicInteger throttleNext = new AtomicInteger();
  private long sequence = 49_000_000_000L;
  private int generation;
  private boolean unreachable;

  FakeStreamProxy(String stream, int shardCount) {
    this.stream = stream;
    for (int i = 0; i < shardCount; i++) addShard(shardId(i), null, null);
  }

  static String shardId(int i) {
    return String.format("shardId-%012d", i);
  }

  synchronized FakeStreamProxy addShard(String id, String parent, String adjacentParent) {
    shards.put(id, new FakeShard(new Shard(id, parent, adjacentParent, false)));
    return this;
  }

  /** Puts {@code count} records "label-i" into a shard; returns their sequence numbers. */
  synchronized List<String> put(String shardId, String label, int count) {
    FakeShard s = shards.get(shardId);
    if (s.closed) throw new IllegalStateException(shardId + " is closed");
    List<String> sequences = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String seq = BigInteger.valueOf(sequence++).toString();
      s.records.add(new ReceivedRecord(seq, "key-" + i, Instant.parse("2026-11-27T10:00:00Z"), (label + "-" + i).getBytes(StandardCharsets.UTF_8)));
      sequences.add(seq);
    }
    return sequences;
  }

  synchronized void close(String shardId) {
    shards.get(shardId).closed = true;
  }

  /** Kinesis's retention drops a shard's oldest records. */
  synchronized void trim(String shardId, int count) {
    shards.get(shardId).records.subList(0, count).clear();
  }

  void throttleNext(int calls) {
    throttleNext.set(calls);
  }

  synchronized void expireIterators() {
    generation++;
  }

  synchronized void unreachable(boolean on) {
    unreachable = on;
  }

  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  synchronized long count(String api) {
    return calls.stream().filter(c -> c.api().equals(api)).count();
  }

  private synchronized void call(String api, String shardId) {
    calls.add(new Call(api, shardId, System.currentTimeMillis()));
    if (unreachable) throw new KinesisAccessException("cannot reach Kinesis for stream '" + stream + "' (fake)", false, null);
    if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new KinesisAccessException(api + " throttled on stream '" + stream + "' (fake)", true, null);
    }
  }

  @Override
  public synchronized List<Shard> shards(String stream) {
    call("ListShards", null);
    return shards.values().stream().map(s -> new Shard(s.shard.shardId(), s.shard.parentShardId(), s.shard.adjacentParentShardId(), s.closed)).toList();
  }

  @Override
  public synchronized String iterator(String stream, String shardId, Position position) {
    call("GetShardIterator", shardId);
    FakeShard s = shards.get(shardId);
    int index = switch (position) {
      case Position.TrimHorizon p -> 0;
      case Position.Latest p -> s.records.size();
      case Position.AtTimestamp p -> (int) s.records.stream().filter(r -> r.arrivalTime().isBefore(p.timestamp())).count();
      case Position.AfterSequence p -> {
        BigInteger after = new BigInteger(p.sequenceNumber());
        yield (int) s.records.stream().filter(r -> new BigInteger(r.sequenceNumber()).compareTo(after) <= 0).count();
      }
    };
    return iteratorAt(shardId, s, index);
  }

  private String iteratorAt(String shardId, FakeShard s, int index) {
    String first = index < s.records.size() ? s.records.get(index).sequenceNumber() : "end";
    return shardId + "/" + index + "/" + first + "/" + generation;
  }

  @Override
  public synchronized Page getRecords(String stream, String iterator, int limit) {
    String[] parts = iterator.split("/");
    String shardId = parts[0];
    call("GetRecords", shardId);
    if (Integer.parseInt(parts[3]) != generation) throw new KinesisAccessException.ExpiredIterator("GetRecords: iterator expired (fake)", null);
    FakeShard s = shards.get(shardId);
    int index = Integer.parseInt(parts[1]);
    // Records before the iterator's first one may have been trimmed since: find it by sequence number.
    if (!parts[2].equals("end")) {
      BigInteger first = new BigInteger(parts[2]);
      index = (int) s.records.stream().filter(r -> new BigInteger(r.sequenceNumber()).compareTo(first) < 0).count();
    }
    int to = Math.min(s.records.size(), index + limit);
    List<ReceivedRecord> page = List.copyOf(s.records.subList(Math.min(index, to), to));
    boolean atEnd = to >= s.records.size();
    String next = s.closed && atEnd ? null : iteratorAt(shardId, s, to);
    return new Page(page, next, atEnd ? 0 : 1_000L * (s.records.size() - to));
  }

  @Override
  public List<PutResult> putRecords(String stream, List<OutgoingRecord> records) {
    throw new UnsupportedOperationException("put records into a shard with put(shardId, label, count)");
  }

  @Override
  public void close() {}
}

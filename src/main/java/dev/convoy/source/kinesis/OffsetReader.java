package dev.convoy.source.kinesis;

import dev.convoy.source.kinesis.proxy.SdkStreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import dev.convoy.source.kinesis.proxy.StreamProxy.Shard;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The driver's whole share of the reading: it lists shards, learns where the last batch's reads ended
 * (from {@link BatchEnds}), asks Kinesis whether each caught-up shard has something new (one GetRecords
 * of one record per shard, all shards at once), and decides the next batch: which shards it reads and
 * from where. It never holds a record.
 */
final class OffsetReader implements BatchPlanner.Hints, AutoCloseable {

  // Kinesis shard iterators expire after five minutes; use them a little less long.
  private static final long ITERATOR_TTL_MILLIS = TimeUnit.MINUTES.toMillis(4);

  /** A live iterator at a position: from a probe, or from the end of the last read. */
  private record Parked(Position at, String iterator, long callMillis) {
    boolean usableAt(Position position, long nowMillis) {
      return iterator != null && at.equals(position) && nowMillis - callMillis < ITERATOR_TTL_MILLIS;
    }
  }

  private record Ends(long batch, Map<String, ShardEnd> byShard) {}

  /** The stream's shards as last listed, when, and which of the shards being read were finished then. */
  private record Listing(List<Shard> shards, long atMillis, Set<String> finishedThen) {}

  private final KinesisSourceOptions options;
  private final StreamProxy proxy;
  private final ShardReader reader;
  private final BatchEnds ends;
  private final Clock clock;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, Parked> parked = new ConcurrentHashMap<>();
  private final Map<String, Long> lastCall = new ConcurrentHashMap<>();
  private final Map<String, Long> millisBehindLatest = new ConcurrentHashMap<>();
  private volatile Ends lastEnds = new Ends(KinesisOffset.NO_BATCH, Map.of());
  private volatile Listing listing;

  OffsetReader(KinesisSourceOptions options, StreamProxy proxy, BatchEnds ends, Clock clock) {
    this.options = options;
    this.proxy = proxy;
    this.reader = new ShardReader(proxy, options, clock);
    this.ends = ends;
    this.clock = clock;
  }

  /**
   * The stream's shards, listed now. The first trigger lists them no sooner than it would after its own
   * listing: a new query's start lists once, not twice (100 jobs starting are 100 calls fewer).
   */
  List<Shard> shards() {
    return list(clock.millis(), Set.of()).shards();
  }

  /**
   * The offset that ends the next batch, or {@code start} itself when no shard has anything to read
   * (Spark then runs no batch).
   */
  KinesisOffset next(KinesisOffset start) {
    Ends previous = endsOf(start);
    SortedMap<String, ShardState> now = new TreeMap<>();
    for (ShardState s : start.shards().values()) {
      ShardEnd end = previous.byShard().get(s.shardId());
      now.put(s.shardId(), end == null ? s.resting() : ShardState.at(s.shardId(), s.parents(), end.to(), end.finished()));
    }
    discover(now);
    // A child shard starts only once its parents were read to their end in an earlier batch, so each
    // partition key's records stay in order across a split or merge.
    List<ShardState> readable = now.values().stream()
        .filter(s -> !s.finished())
        .filter(s -> s.parents().stream().allMatch(p -> !now.containsKey(p) || now.get(p).finished()))
        .toList();
    Map<String, Future<ShardReader.Probe>> probes = new LinkedHashMap<>();
    boolean changed = false;
    for (ShardState s : readable) {
      ShardEnd end = previous.byShard().get(s.shardId());
      if (end != null && !end.caughtUp()) {
        // The last read stopped at a limit: there is more, no need to ask.
        now.put(s.shardId(), s.reading());
        changed = true;
      } else {
        probes.put(s.shardId(), threads.submit(() -> probe(s)));
      }
    }
    for (var e : probes.entrySet()) {
      ShardState s = now.get(e.getKey());
      ShardReader.Probe p = await(e.getValue());
      lastCall.put(s.shardId(), p.callMillis());
      if (p.finished()) {
        millisBehindLatest.remove(s.shardId());
        now.put(s.shardId(), ShardState.at(s.shardId(), s.parents(), s.position(), true));
        changed = true;
      } else {
        millisBehindLatest.put(s.shardId(), p.millisBehindLatest());
        if (p.hasRecords()) {
          now.put(s.shardId(), s.reading());
          changed = true;
        }
      }
    }
    return changed ? KinesisOffset.forBatch(Math.max(start.batch(), KinesisOffset.NO_BATCH) + 1, now) : start;
  }

  /** Records the last batch read, and each shard's distance from its tip as last seen. */
  long recordsLastBatch() {
    return lastEnds.byShard().values().stream().mapToLong(ShardEnd::records).sum();
  }

  Map<String, Long> millisBehindLatest() {
    return Map.copyOf(millisBehindLatest);
  }

  /** The ends the tasks of {@code start}'s batch recorded; a shard it read without one is a loud failure. */
  private Ends endsOf(KinesisOffset start) {
    if (start.legacy() || start.batch() == KinesisOffset.NO_BATCH) return new Ends(start.batch(), Map.of());
    Ends cached = lastEnds;
    if (cached.batch() == start.batch()) return cached;
    Map<String, ShardEnd> found = new HashMap<>();
    for (ShardState s : start.shards().values()) {
      if (!s.read()) continue;
      Optional<ShardEnd> end = ends.read(start.batch(), s.shardId());
      if (end.isEmpty()) {
        throw new IllegalStateException("convoy-kinesis: stream '" + options.streamName() + "', shard " + s.shardId() + ", batch "
            + start.batch() + ": Spark committed this batch, but the end of its read is missing from " + ends.path(start.batch(), s.shardId())
            + ". Without it the next batch cannot start exactly where this one stopped, so the query stops instead of guessing. "
            + "See docs/kinesis-source.md, \"A missing batch end\".");
      }
      found.put(s.shardId(), end.get());
      lastCall.merge(s.shardId(), end.get().lastCallMillis(), Math::max);
      parked.put(s.shardId(), new Parked(end.get().to(), end.get().iterator(), end.get().lastCallMillis()));
      if (!end.get().finished()) millisBehindLatest.put(s.shardId(), end.get().millisBehindLatest());
    }
    Ends read = new Ends(start.batch(), Map.copyOf(found));
    lastEnds = read;
    return read;
  }

  /** New shards (children of a split or merge) join from their start; finished shards the stream no longer lists retire. */
  private void discover(SortedMap<String, ShardState> now) {
    List<Shard> listed = listed(now);
    Set<String> listedIds = listed.stream().map(Shard::shardId).collect(Collectors.toSet());
    now.values().removeIf(s -> s.finished() && !listedIds.contains(s.shardId()));
    for (Shard shard : listed) {
      now.putIfAbsent(shard.shardId(), ShardState.at(shard.shardId(), shard.parents(), new Position.TrimHorizon(), false));
    }
  }

  /**
   * The stream's shards, listed again only when a shard being read has finished since the last listing
   * or {@code listShardsInterval} has passed. A split or merge closes the shards it replaces, and their
   * children are read only after them, so a closed shard is the moment to look for children.
   */
  private List<Shard> listed(SortedMap<String, ShardState> now) {
    Set<String> finished = now.values().stream().filter(ShardState::finished).map(ShardState::shardId).collect(Collectors.toSet());
    long nowMillis = clock.millis();
    Listing last = listing;
    if (last == null || !last.finishedThen().containsAll(finished) || nowMillis - last.atMillis() >= options.listShardsInterval().toMillis()) {
      last = list(nowMillis, finished);
    }
    return last.shards();
  }

  /** Lists the shards now; the next triggers use this listing until {@link #listed} asks again. */
  private Listing list(long nowMillis, Set<String> finished) {
    Listing now = new Listing(List.copyOf(reader.shards()), nowMillis, finished);
    listing = now;
    return now;
  }

  private ShardReader.Probe probe(ShardState s) {
    ShardReader.Probe probe = reader.probe(s.shardId(), s.position(), iterator(s.shardId(), s.position()), lastCallMillis(s.shardId()));
    // Nothing there: the next probe continues with the newer iterator. Records there: the task starts with the one used.
    parked.put(s.shardId(), new Parked(s.position(), probe.hasRecords() ? probe.iteratorAt() : probe.nextIterator(), probe.callMillis()));
    return probe;
  }

  @Override
  public String iterator(String shardId, Position position) {
    Parked p = parked.get(shardId);
    return p != null && p.usableAt(position, clock.millis()) ? p.iterator() : null;
  }

  @Override
  public long lastCallMillis(String shardId) {
    return lastCall.getOrDefault(shardId, 0L);
  }

  private static ShardReader.Probe await(Future<ShardReader.Probe> probe) {
    try {
      return probe.get();
    } catch (InterruptedException e) {
      throw SdkStreamProxy.interrupted("probing Kinesis");
    } catch (ExecutionException e) {
      // The proxy's message names the stream and endpoint; keep it on top.
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
    proxy.close();
  }
}

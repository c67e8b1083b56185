package dev.convoy.source.kinesis;

import dev.convoy.source.kinesis.proxy.KinesisAccessException;
import dev.convoy.source.kinesis.proxy.SdkStreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy.Page;
import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import dev.convoy.source.kinesis.proxy.StreamProxy.ReceivedRecord;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Reads one shard with GetRecords: either open-ended (the driver, bounded by record count and time) or
 * exactly up to a sequence number (a replayed batch). Expired iterators are re-obtained from the last
 * record read; throttling backs off with jitter up to {@code maxRetries}.
 */
final class ShardReader {

  /** What a read found: the records, where to continue, and the iterator that continues there. */
  record Result(List<ReceivedRecord> records, Position next, boolean finished, long millisBehindLatest, String nextIterator) {}

  // A replay that sees the shard's tip this many times without reaching its end sequence number gives up.
  private static final int EMPTY_PAGES_BEFORE_MISSING = 20;

  private final StreamProxy proxy;
  private final KinesisSourceOptions options;

  ShardReader(StreamProxy proxy, KinesisSourceOptions options) {
    this.proxy = proxy;
    this.options = options;
  }

  /** Open-ended: at most {@code maxRecords}, for at most {@code maxFetchTime}; stops early once caught up. */
  Result readAvailable(String shardId, Position from, String cachedIterator) {
    long deadline = System.nanoTime() + options.maxFetchTime().toNanos();
    Position position = from;
    String iterator = cachedIterator != null ? cachedIterator : iterator(shardId, from);
    List<ReceivedRecord> records = new ArrayList<>();
    long behind = 0;
    while (true) {
      int limit = Math.min(options.getRecordsLimit(), options.maxRecordsPerShard() - records.size());
      Page page;
      try {
        page = page(iterator, limit);
      } catch (KinesisAccessException.ExpiredIterator e) {
        iterator = iterator(shardId, position);
        continue;
      }
      records.addAll(page.records());
      if (!page.records().isEmpty()) position = new Position.AfterSequence(page.records().getLast().sequenceNumber());
      behind = page.millisBehindLatest();
      if (page.nextIterator() == null) return new Result(records, position, true, behind, null);
      iterator = page.nextIterator();
      boolean caughtUp = behind == 0 || page.records().isEmpty() && behind < options.getRecordsInterval().toMillis();
      if (records.size() >= options.maxRecordsPerShard() || System.nanoTime() >= deadline || caughtUp) {
        return new Result(records, position, false, behind, iterator);
      }
      pause(options.getRecordsInterval());
    }
  }

  /** A replay: exactly the records after {@code from} up to and including {@code lastSequence}. */
  List<ReceivedRecord> readRange(String shardId, Position from, String lastSequence) {
    BigInteger end = new BigInteger(lastSequence);
    Position position = from;
    String iterator = iterator(shardId, from);
    List<ReceivedRecord> records = new ArrayList<>();
    int emptyAtTip = 0;
    while (true) {
      Page page;
      try {
        page = page(iterator, options.getRecordsLimit());
      } catch (KinesisAccessException.ExpiredIterator e) {
        iterator = iterator(shardId, position);
        continue;
      }
      for (ReceivedRecord r : page.records()) {
        int cmp = new BigInteger(r.sequenceNumber()).compareTo(end);
        if (cmp > 0) return records;
        records.add(r);
        if (cmp == 0) return records;
      }
      if (!page.records().isEmpty()) position = new Position.AfterSequence(page.records().getLast().sequenceNumber());
      if (page.nextIterator() == null || page.records().isEmpty() && page.millisBehindLatest() == 0 && ++emptyAtTip > EMPTY_PAGES_BEFORE_MISSING) {
        throw new IllegalStateException("convoy-kinesis: replaying shard " + shardId + " of stream '" + options.streamName()
            + "' (" + options.endpoint().describe() + ") from " + KinesisOffset.encode(from) + " to sequence number " + lastSequence
            + ", the stream no longer holds record " + lastSequence + " (past its retention period?). The checkpoint "
            + "cannot be replayed exactly; see docs/kinesis-source.md, \"What a replay reads\".");
      }
      iterator = page.nextIterator();
      if (page.records().isEmpty()) pause(options.getRecordsInterval());
    }
  }

  /** The stream's shards, with the same throttling retries as the reads. */
  List<StreamProxy.Shard> shards() {
    return withRetries(() -> proxy.shards(options.streamName()));
  }

  private String iterator(String shardId, Position position) {
    return withRetries(() -> proxy.iterator(options.streamName(), shardId, position));
  }

  private Page page(String iterator, int limit) {
    return withRetries(() -> proxy.getRecords(options.streamName(), iterator, limit));
  }

  private <T> T withRetries(Supplier<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (KinesisAccessException.ExpiredIterator e) {
        throw e;
      } catch (KinesisAccessException e) {
        if (!e.retryable() || attempt > options.maxRetries()) throw e;
        pause(backoff(attempt));
      }
    }
  }

  /** Exponential from 100 ms, capped at 5 s, with jitter so throttled shards do not retry in step. */
  static Duration backoff(int attempt) {
    long cap = Math.min(5_000, 100L << Math.min(attempt - 1, 16));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      throw SdkStreamProxy.interrupted("reading Kinesis");
    }
  }
}

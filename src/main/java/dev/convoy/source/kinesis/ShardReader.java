package dev.convoy.source.kinesis;

import dev.convoy.backoff.ExponentialBackoff;
import dev.convoy.source.kinesis.proxy.KinesisAccessException;
import dev.convoy.source.kinesis.proxy.SdkStreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy.Page;
import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import dev.convoy.source.kinesis.proxy.StreamProxy.ReceivedRecord;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Kinesis calls of one stream, with the source's rules around them: throttling backs off with
 * jitter up to {@code maxRetries}, an expired iterator is re-obtained from the last record read, and
 * calls on one shard are at least {@code getRecordsInterval} apart (Kinesis allows 5 per second per shard).
 * The driver {@link #probe}s; a task reads a shard with a {@link Read}.
 */
final class ShardReader {

  /**
   * What a probe saw at a position: records waiting, or a closed shard read to its end.
   * {@code iteratorAt} is the iterator it used, still at the position (Kinesis iterators can be reused
   * until they expire), so the task that reads next needs no GetShardIterator call; {@code nextIterator}
   * follows an empty answer, for the next probe.
   */
  record Probe(boolean hasRecords, boolean finished, long millisBehindLatest, String iteratorAt, String nextIterator, long callMillis) {}

  // A replay that sees the shard's tip this many times without reaching its end sequence number gives up.
  private static final int EMPTY_PAGES_BEFORE_MISSING = 20;

  private final StreamProxy proxy;
  private final KinesisSourceOptions options;
  private final Clock clock;

  ShardReader(StreamProxy proxy, KinesisSourceOptions options, Clock clock) {
    this.proxy = proxy;
    this.options = options;
    this.clock = clock;
  }

  /** The stream's shards, with the same throttling retries as the reads. */
  List<StreamProxy.Shard> shards() {
    return withRetries(() -> proxy.shards(options.streamName()));
  }

  /**
   * One GetRecords call of one record at {@code position}: the cheapest question Kinesis answers about
   * whether a shard has something new. {@code iterator}, if not null, is a fresh iterator at that position.
   *
   * @param notBeforeMillis the shard's previous call, so this one keeps the per-shard call rate
   */
  Probe probe(String shardId, Position position, String iterator, long notBeforeMillis) {
    String it = iterator != null ? iterator : iterator(shardId, position);
    while (true) {
      waitUntil(notBeforeMillis + options.getRecordsInterval().toMillis());
      try {
        Page page = page(it, 1);
        // Timed when the answer came, so the next call is an interval after this one reached Kinesis.
        long at = clock.millis();
        boolean finished = page.nextIterator() == null && page.records().isEmpty();
        boolean hasRecords = !page.records().isEmpty() || !finished && !caughtUp(page);
        return new Probe(hasRecords, finished, page.millisBehindLatest(), it, page.records().isEmpty() ? page.nextIterator() : null, at);
      } catch (KinesisAccessException.ExpiredIterator e) {
        it = iterator(shardId, position);
        notBeforeMillis = clock.millis();
      }
    }
  }

  /** An empty page near the tip: Kinesis has nothing more right now. */
  private boolean caughtUp(Page page) {
    // kinesis-local reports a few milliseconds behind at the tip; Kinesis reports 0.
    return page.millisBehindLatest() == 0 || page.records().isEmpty() && page.millisBehindLatest() < options.getRecordsInterval().toMillis();
  }

  /** A task's read of one shard: open-ended up to the batch limits, or exactly to a recorded end. */
  Read read(String shardId, Position from, String until, String iterator, long notBeforeMillis) {
    return new Read(shardId, from, until, iterator, notBeforeMillis);
  }

  /** Reads a shard page by page, so a task holds one page in memory, not the batch. */
  final class Read {
    private final String shardId;
    private final Position from;
    private final BigInteger until;
    private final long deadlineNanos;
    private Position position;
    private String iterator;
    private long lastCallMillis;
    private String lastSequence;
    private int records;
    private int emptyAtTip;
    private long behind;
    private boolean finished;
    private boolean caughtUp;
    private boolean done;

    private Read(String shardId, Position from, String until, String iterator, long notBeforeMillis) {
      this.shardId = shardId;
      this.from = from;
      this.position = from;
      this.until = until == null ? null : new BigInteger(until);
      this.iterator = iterator;
      this.lastCallMillis = notBeforeMillis;
      this.deadlineNanos = System.nanoTime() + options.maxFetchTime().toNanos();
    }

    /** The next page's records (possibly empty), or null once the read is over. */
    List<ReceivedRecord> next() {
      if (done) return null;
      if (iterator == null) iterator = iterator(shardId, position);
      int limit = until != null ? options.getRecordsLimit() : Math.min(options.getRecordsLimit(), options.maxRecordsPerShard() - records);
      waitUntil(lastCallMillis + options.getRecordsInterval().toMillis());
      Page page;
      try {
        page = page(iterator, limit);
      } catch (KinesisAccessException.ExpiredIterator e) {
        iterator = null;
        return List.of();
      } finally {
        lastCallMillis = clock.millis();
      }
      List<ReceivedRecord> taken = new ArrayList<>(page.records().size());
      for (ReceivedRecord r : page.records()) {
        if (until != null && new BigInteger(r.sequenceNumber()).compareTo(until) > 0) break;
        taken.add(r);
      }
      if (!taken.isEmpty()) {
        lastSequence = taken.getLast().sequenceNumber();
        position = new Position.AfterSequence(lastSequence);
        records += taken.size();
      }
      behind = page.millisBehindLatest();
      iterator = page.nextIterator();
      if (until != null) {
        if (lastSequence != null && new BigInteger(lastSequence).equals(until)) done = true;
        else if (iterator == null || page.records().isEmpty() && caughtUp(page) && ++emptyAtTip > EMPTY_PAGES_BEFORE_MISSING) throw missing();
      } else if (iterator == null) {
        finished = true;
        done = true;
      } else {
        caughtUp = caughtUp(page);
        done = caughtUp || records >= options.maxRecordsPerShard() || System.nanoTime() >= deadlineNanos;
      }
      return taken;
    }

    /** Where the read ended; call once {@link #next} returned null. */
    ShardEnd end() {
      return new ShardEnd(shardId, from, lastSequence, finished, caughtUp, records, behind, lastCallMillis, iterator);
    }

    private IllegalStateException missing() {
      return new IllegalStateException("convoy-kinesis: replaying shard " + shardId + " of stream '" + options.streamName()
          + "' (" + options.endpoint().describe() + ") from " + KinesisOffset.encode(from) + " to sequence number " + until
          + ", the stream no longer holds record " + until + " (past its retention period?). The checkpoint "
          + "cannot be replayed exactly; see docs/kinesis-source.md, \"What a replay reads\".");
    }
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

  /** Exponential from 100 ms to 5 s, with equal jitter, so throttled shards do not retry in step. */
  private static final ExponentialBackoff THROTTLED = new ExponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(5));

  static Duration backoff(int attempt) {
    return THROTTLED.equalJitter(attempt);
  }

  private void waitUntil(long epochMillis) {
    long wait = epochMillis - clock.millis();
    if (wait > 0) pause(Duration.ofMillis(Math.min(wait, options.getRecordsInterval().toMillis())));
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      throw SdkStreamProxy.interrupted("reading Kinesis");
    }
  }
}

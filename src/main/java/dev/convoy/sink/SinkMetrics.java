package dev.convoy.sink;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Write metrics of one sink (one job's table), safe to read from any thread. */
public final class SinkMetrics {

  /** A consistent-enough reading for status pages. */
  public record Snapshot(long batches, long skippedBatches, long rowsMerged, long rowsInserted, long rowsUpdated,
                         long retries, long conflicts, long lastBatchMillis, long totalWriteMillis) {
    /** A sink that writes nowhere Convoy measures. */
    public static final Snapshot NONE = new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  private final LongAdder batches = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder merged = new LongAdder();
  private final LongAdder inserted = new LongAdder();
  private final LongAdder updated = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder conflicts = new LongAdder();
  private final AtomicLong lastBatchMillis = new AtomicLong();
  private final LongAdder totalMillis = new LongAdder();

  void committed(long rows, long insertedRows, long millis) {
    batches.increment();
    merged.add(rows);
    inserted.add(insertedRows);
    updated.add(rows - insertedRows);
    lastBatchMillis.set(millis);
    totalMillis.add(millis);
  }

  void skipped() {
    skipped.increment();
  }

  void retried() {
    retries.increment();
  }

  /** A serialization or write conflict with another transaction: with one table set per job, never expected. */
  void conflicted() {
    conflicts.increment();
  }

  public Snapshot snapshot() {
    return new Snapshot(batches.sum(), skipped.sum(), merged.sum(), inserted.sum(), updated.sum(), retries.sum(), conflicts.sum(),
        lastBatchMillis.get(), totalMillis.sum());
  }
}

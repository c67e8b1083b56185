package dev.convoy.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * Keeps each job's latest query progress (queries are named after their job), its late-event count and
 * its recent batches, and logs a job whose batches take longer than its trigger ({@link SlowBatches}),
 * except for batches begun during the driver's start-up: those wait for the CPU, or at the start-up
 * order ({@link StartupOrder}), which says nothing about the driver's budget once it runs.
 */
final class ProgressTracker extends StreamingQueryListener {

  record Snapshot(StreamingQueryProgress progress, long sourceLagMs) {}

  private final Map<String, Snapshot> latest = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> late = new ConcurrentHashMap<>();
  private final BatchHistory history = new BatchHistory();
  /** A job's trigger, or null for a query that is not a job's. */
  private final Function<String, Duration> triggers;
  private final SlowBatches slow;
  private final Predicate<Instant> startingUp;
  private final Consumer<String> warn;

  /** For queries whose triggers are not known: no slow-batch warnings. */
  ProgressTracker() {
    this(job -> null, start -> false, Clock.systemUTC(), warning -> {});
  }

  /**
   * @param triggers a job's trigger by its name (null: not a job's query)
   * @param startingUp whether a batch that began then began during the driver's start-up: no warning for it
   * @param warn where a slow job's warning goes: the driver's log, or a test's list
   */
  ProgressTracker(Function<String, Duration> triggers, Predicate<Instant> startingUp, Clock clock, Consumer<String> warn) {
    this.triggers = triggers;
    this.startingUp = startingUp;
    this.slow = new SlowBatches(clock);
    this.warn = warn;
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress p = event.progress();
    if (p.name() == null) return;
    long dropped = 0;
    for (StateOperatorProgress op : p.stateOperators()) dropped += op.numRowsDroppedByWatermark();
    late.computeIfAbsent(p.name(), k -> new AtomicLong()).addAndGet(dropped);
    long lag = 0;
    for (SourceProgress s : p.sources()) {
      String v = s.metrics().get("maxMillisBehindLatest");
      if (v != null) lag = Math.max(lag, Long.parseLong(v));
    }
    latest.put(p.name(), new Snapshot(p, lag));
    Long took = p.durationMs().get("triggerExecution");
    Instant began = Instant.parse(p.timestamp());
    history.add(p.name(), began.toEpochMilli(), took == null ? 0 : took, lag);
    Duration trigger = triggers.apply(p.name());
    if (trigger != null && took != null && !startingUp.test(began)) slow.batch(p.name(), p.runId(), p.batchId(), took, trigger).ifPresent(warn);
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}

  Snapshot latest(String job) {
    return latest.get(job);
  }

  /** A removed job: a job added later under its name starts with no past. */
  void forget(String job) {
    latest.remove(job);
    late.remove(job);
    history.forget(job);
    slow.forget(job);
  }

  BatchHistory history() {
    return history;
  }

  long lateRowsDropped(String job) {
    AtomicLong n = late.get(job);
    return n == null ? 0 : n.get();
  }
}

package dev.convoy.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Says when a job's batches take longer than its trigger. Spark logs that for every such batch, and so
 * for every job's first batch after a start, which compiles Spark's code and catches up: at 100 jobs,
 * 100 warnings a start and a stream of them from a driver past its budget. Here a run's first batch is
 * left out, and a job is named once, then at most every {@link #REPEAT} with how many were late meanwhile.
 */
final class SlowBatches {

  static final Duration REPEAT = Duration.ofMinutes(5);

  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, UUID> runs = new HashMap<>();
  private final Map<String, Instant> warned = new HashMap<>();
  private final Map<String, Integer> late = new HashMap<>();

  SlowBatches(Clock clock) {
    this.clock = clock;
  }

  /** The warning due for batch {@code batchId} of {@code job}'s query run {@code run}, if any. */
  Optional<String> batch(String job, UUID run, long batchId, long tookMs, Duration trigger) {
    lock.lock();
    try {
      if (!run.equals(runs.put(job, run))) return Optional.empty(); // a run's first batch
      if (tookMs <= trigger.toMillis()) return Optional.empty();
      int n = late.merge(job, 1, Integer::sum);
      Instant now = clock.instant();
      Instant last = warned.get(job);
      if (last != null && Duration.between(last, now).compareTo(REPEAT) < 0) return Optional.empty();
      warned.put(job, now);
      late.remove(job);
      String since = last == null ? "" : " (" + n + " batches over it in the last " + Duration.between(last, now).toMinutes() + " min)";
      return Optional.of("job " + job + ": batch " + batchId + " took " + tookMs + " ms, longer than its " + trigger.toMillis() / 1000.0
          + " s trigger" + since + ", so its next batch starts late; many jobs at once: the driver is past its budget"
          + " (runbook: \"A job lags\")");
    } finally {
      lock.unlock();
    }
  }

  /** A job removed or changed: it starts again with no past. */
  void forget(String job) {
    lock.lock();
    try {
      runs.remove(job);
      warned.remove(job);
      late.remove(job);
    } finally {
      lock.unlock();
    }
  }
}

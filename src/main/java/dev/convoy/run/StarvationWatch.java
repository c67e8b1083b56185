package dev.convoy.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Says when a job is starved: its batch, with data in hand, has waited for the executors for three of
 * its triggers (and at least 10 s). A starved job looks healthy (RUNNING, no error) while its buckets go
 * stale, so the driver logs what this returns: once when the wait crosses the line, then once a minute.
 */
final class StarvationWatch {

  static final Duration AT_LEAST = Duration.ofSeconds(10);
  static final int TRIGGERS = 3;
  private static final Duration REPEAT = Duration.ofMinutes(1);

  private final BatchGate gate;
  private final Supplier<Map<String, Duration>> triggers;
  private final Clock clock;
  private final Map<String, Instant> warned = new HashMap<>();

  /** @param triggers each job's trigger interval, by job name, as of now (jobs come and go live) */
  StarvationWatch(BatchGate gate, Supplier<Map<String, Duration>> triggers, Clock clock) {
    this.gate = gate;
    this.triggers = triggers;
    this.clock = clock;
  }

  /** The warnings due now, one per starved job. Called from one thread. */
  List<String> check() {
    List<String> due = new ArrayList<>();
    Instant at = clock.instant();
    Map<String, Duration> now = triggers.get();
    warned.keySet().retainAll(now.keySet());
    now.forEach((job, trigger) -> {
      Duration waited = gate.waited(job);
      Duration limit = trigger.multipliedBy(TRIGGERS);
      if (limit.compareTo(AT_LEAST) < 0) limit = AT_LEAST;
      if (waited.compareTo(limit) < 0) {
        warned.remove(job);
        return;
      }
      Instant last = warned.get(job);
      if (last != null && Duration.between(last, at).compareTo(REPEAT) < 0) return;
      warned.put(job, at);
      due.add("job " + job + ": its batch has waited " + waited.toSeconds() + " s for the executors ("
          + waited.toMillis() / Math.max(1, trigger.toMillis()) + " triggers of " + trigger.toSeconds() + " s); " + gate.slots()
          + " batches run at once and the others queue: the driver has more work than cores (runbook: \"A job is starved\")");
    });
    return due;
  }
}

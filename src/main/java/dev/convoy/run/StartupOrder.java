package dev.convoy.run;

import dev.convoy.source.BatchHold;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * At the driver's start, every job's first batch before any job's later ones. A job whose query has run
 * its first trigger holds its next batch, before the source reads it, until every job starting with it
 * has run its first trigger, or {@code longest} has passed since the start. Without it, at 100 jobs on
 * 2 vCPUs the jobs already running began ~100 later batches during start-up, each planned on its own
 * thread beside the first batches (docs/benchmarks.md). Only a source that asks holds ({@link BatchHold}):
 * Convoy's own does, the AWS connector cannot. After the start-up nothing waits here again.
 */
final class StartupOrder {

  /** A job whose first batch is stuck (say, its table is locked) holds the others no longer than this. */
  static final Duration LONGEST = Duration.ofMinutes(2);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition over = lock.newCondition();
  /** Jobs yet to run their first trigger, in config order (guarded by {@link #lock}). */
  private final Set<String> starting;
  private final int jobs;
  private final Duration longest;
  private final Clock clock;
  private final Consumer<String> log;
  /** The jobs whose next batch waits here, since when. */
  private final Map<String, Instant> holding = new ConcurrentHashMap<>();
  private Instant began; // guarded
  private Instant deadline; // guarded
  /** When the start-up ended; null until then. Volatile: every batch of every job reads it. */
  private volatile Instant endedAt;

  /** @param log where the end of the start-up is said: the driver's log */
  StartupOrder(Collection<String> jobs, Duration longest, Clock clock, Consumer<String> log) {
    if (longest.isNegative()) throw new IllegalArgumentException("longest must not be negative, got " + longest);
    this.starting = new LinkedHashSet<>(jobs);
    this.jobs = starting.size();
    this.longest = longest;
    this.clock = clock;
    this.log = log;
  }

  /** No start-up order: nothing is ever held (a test's single job). */
  static StartupOrder none() {
    StartupOrder order = new StartupOrder(List.of(), Duration.ZERO, Clock.systemUTC(), message -> {});
    order.begin();
    return order;
  }

  /** The driver starts its jobs now. */
  void begin() {
    lock.lock();
    try {
      began = clock.instant();
      deadline = began.plus(longest);
      if (starting.isEmpty()) end(began, null);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The hold for one run of {@code job}'s query: its first trigger reads at once (a run restarted during
   * the start-up too); its next one says that the first is done, then waits for the others.
   */
  BatchHold holdFor(String job) {
    AtomicBoolean first = new AtomicBoolean(true);
    return () -> {
      if (endedAt != null || first.getAndSet(false)) return;
      settled(job);
      awaitOthers(job);
    };
  }

  /**
   * {@code job} no longer holds the start-up back: its first batch is done, or it failed, stopped, or
   * waits for a slot ({@code maxConcurrentJobs}) behind jobs that may run for days.
   */
  void settled(String job) {
    if (endedAt != null) return;
    lock.lock();
    try {
      if (starting.remove(job) && starting.isEmpty() && deadline != null) end(clock.instant(), null);
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@code job}'s next batch is held here now: nothing of it has run yet, so a stop need not wait for it. */
  boolean holding(String job) {
    return holding.containsKey(job);
  }

  /** How long {@code job}'s next batch has waited here; zero when it does not. */
  Duration held(String job) {
    Instant since = holding.get(job);
    return since == null ? Duration.ZERO : Duration.between(since, clock.instant());
  }

  /** Whether a batch that began at {@code start} began during the start-up (its time then says little about the driver). */
  boolean during(Instant start) {
    Instant ended = endedAt;
    if (ended != null) return start.isBefore(ended);
    lock.lock();
    try {
      if (deadline == null) return false;
      if (!clock.instant().isBefore(deadline)) {
        end(deadline, List.copyOf(starting));
        return start.isBefore(deadline);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void awaitOthers(String job) throws InterruptedException {
    lock.lock();
    holding.put(job, clock.instant());
    try {
      while (endedAt == null && deadline != null) {
        long left = Duration.between(clock.instant(), deadline).toNanos();
        if (left <= 0) {
          end(deadline, List.copyOf(starting));
          break;
        }
        over.awaitNanos(left);
      }
    } finally {
      holding.remove(job);
      lock.unlock();
    }
  }

  /** Under {@link #lock}. @param late the jobs that had not run a first batch by the deadline; null if none */
  private void end(Instant at, List<String> late) {
    endedAt = at;
    over.signalAll();
    if (jobs == 0) return;
    String took = String.format("%.1f s", Duration.between(began, at).toMillis() / 1000.0);
    if (late == null) {
      log.accept("start-up: all " + jobs + " jobs ran their first trigger within " + took);
    } else {
      log.accept("start-up: " + late.size() + " of " + jobs + " jobs had not run a first trigger within " + took + " (" + names(late)
          + "); the others' later batches no longer wait for them (runbook: \"A slow start\")");
    }
  }

  private static String names(List<String> jobs) {
    return jobs.size() <= 5 ? String.join(", ", jobs) : String.join(", ", jobs.subList(0, 5)) + ", …";
  }
}

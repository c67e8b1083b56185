package dev.convoy.run;

import dev.convoy.control.JobState;

import dev.convoy.errors.Causes;
import dev.convoy.job.Job;
import dev.convoy.source.BatchHold;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job's supervisor, on a virtual thread: waits for a slot, starts the query in the job's scheduler
 * pool, and when the query fails starts it again from its checkpoint after an exponential backoff,
 * until the restart budget is spent ({@code FAILED}). Blocking uses java.util.concurrent only:
 * {@code synchronized} would pin the virtual thread to its carrier.
 */
final class JobRunner {

  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  /** How long a stop waits for the batch in flight; a batch waiting for the warehouse can take long, and replays exactly. */
  private static final Duration DRAIN = Duration.ofSeconds(30);

  /** Replaced only while the supervisor is not running (a live config change), so a query always sees one job. */
  private volatile Job job;
  private final SparkSession spark;
  private final ProgressTracker progress;
  private final Semaphore slots;
  private final ExecutorService threads;
  private final BatchGate gate;
  private final StartupOrder startup;
  private final AtomicReference<JobState> state = new AtomicReference<>(JobState.STOPPED);
  private final AtomicInteger restarts = new AtomicInteger();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final BatchDoor door = new BatchDoor();
  private volatile boolean wanted;
  private volatile StreamingQuery query;
  private volatile Future<?> loop;
  /** The supervisor while it waits for a slot (guarded by {@link #lock}); only then may a stop interrupt it. */
  private Thread queued;

  JobRunner(Job job, SparkSession spark, Semaphore slots, BatchGate gate, StartupOrder startup, ExecutorService threads,
            ProgressTracker progress) {
    this.job = job;
    // Each job gets its own session (shared SparkContext): its own SQL settings, e.g. shuffle partitions,
    // and its own query manager, which the progress listener must be registered with.
    this.spark = spark.newSession();
    this.spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(job.settings().shufflePartitions()));
    this.spark.streams().addListener(progress);
    this.progress = progress;
    this.slots = slots;
    this.gate = gate;
    this.startup = startup;
    this.threads = threads;
  }

  String name() {
    return job.name();
  }

  Job job() {
    return job;
  }

  /**
   * Swaps in a changed job of the same name (trigger, weight, restart policy, read limits; or, into a new
   * checkpoint and table, anything). Only between a stop and the next start.
   */
  void replace(Job changed) {
    lock.lock();
    try {
      if (!changed.name().equals(job.name())) throw new IllegalArgumentException("job " + job.name() + " cannot become " + changed.name());
      if (loop != null && !loop.isDone()) throw new IllegalStateException("job " + job.name() + " must be stopped before it is changed");
      spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(changed.settings().shufflePartitions()));
      job = changed;
    } finally {
      lock.unlock();
    }
  }

  /** After the last stop: the job's session no longer reports progress. */
  void forget() {
    spark.streams().removeListener(progress);
  }

  JobState state() {
    return state.get();
  }

  /** The one way the state changes: a move {@link JobState#canBecome} does not list is a bug, and says so. */
  private void moveTo(JobState next) {
    JobState from = state.getAndUpdate(s -> s.canBecome(next) ? next : s);
    if (from.canBecome(next)) return;
    if (from == JobState.STOPPED && !wanted) return; // a stop came first; the supervisor is on its way out
    throw new IllegalStateException("job " + job.name() + ": no move from " + from + " to " + next);
  }

  int restarts() {
    return restarts.get();
  }

  String lastError() {
    return lastError.get();
  }

  /** Starts the job unless it is already pending or running. */
  void start() {
    lock.lock();
    try {
      if (loop != null && !loop.isDone()) return;
      wanted = true;
      restarts.set(0);
      moveTo(JobState.PENDING);
      loop = threads.submit(this::supervise);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the query (gracefully: Spark finishes nothing new and keeps the checkpoint) and waits for the
   * supervisor. A supervisor still queued for a slot is interrupted; one that holds a slot never is, since
   * an interrupt inside Spark's query start can leave a query running that nobody owns.
   */
  void stop(Duration timeout) {
    Future<?> running;
    lock.lock();
    try {
      wanted = false;
      wake.signalAll();
      if (queued != null) queued.interrupt();
      running = loop;
    } finally {
      lock.unlock();
    }
    finishBatch(query);
    stopQuery(query); // a query the supervisor has not published yet it stops itself, having seen !wanted
    if (running != null) {
      try {
        running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("job {}: its supervisor did not finish within {}: {}", job.name(), timeout, e.toString());
      }
    }
    state.getAndUpdate(s -> s.canBecome(JobState.STOPPED) ? JobState.STOPPED : s); // a FAILED job stays FAILED
  }

  /**
   * Lets the batch in flight finish (its tasks, its write, its commit) before the stop: see
   * {@link BatchDoor}. A batch that takes longer than {@link #DRAIN} is stopped where it is; its replay is exact.
   */
  private void finishBatch(StreamingQuery q) {
    if (q == null) return;
    try {
      // Quiet: no trigger running, or the next batch held at start-up, waiting for its turn or at the door, with nothing run yet.
      if (door.close(DRAIN)) {
        door.awaitQuiet(Duration.ofSeconds(5), () -> !q.isActive() || !q.status().isTriggerActive() || startup.holding(job.name())
            || gate.waitingSince(job.name()).isPresent());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void stopQuery(StreamingQuery q) {
    if (q == null) return;
    try {
      q.stop();
    } catch (Exception e) {
      LOG.warn("job {}: stopping its query failed: {}", job.name(), e.toString());
    }
  }

  private void supervise() {
    if (!takeSlot()) {
      startup.settled(job.name());
      moveTo(JobState.STOPPED);
      return;
    }
    try {
      while (wanted) {
        moveTo(JobState.STARTING);
        try {
          StreamingQuery q = startQuery();
          query = q;
          // wanted and query are volatile: either stop() saw this query, or this sees its !wanted.
          if (!wanted) {
            stopQuery(q);
            break;
          }
          moveTo(JobState.RUNNING);
          q.awaitTermination();
          if (!wanted) break;
          throw new IllegalStateException("the query stopped without being asked to");
        } catch (Exception e) {
          if (!wanted) break;
          startup.settled(job.name()); // a failing job does not hold the others' start-up back
          String message = Causes.message(e);
          lastError.set(message);
          int n = restarts.incrementAndGet();
          if (n > job.settings().restart().maxRestarts()) {
            LOG.error("job {}: failed {} times in a row, giving up (restart budget {}): {}", job.name(), n,
                job.settings().restart().maxRestarts(), message);
            moveTo(JobState.FAILED);
            return;
          }
          Duration delay = job.settings().restart().delay(n);
          LOG.warn("job {}: query failed ({}); restart {} of {} from its checkpoint in {}", job.name(), message, n,
              job.settings().restart().maxRestarts(), delay);
          moveTo(JobState.RESTARTING);
          if (!pause(delay)) break;
        } finally {
          query = null;
        }
      }
      moveTo(JobState.STOPPED);
    } finally {
      startup.settled(job.name());
      slots.release();
    }
  }

  /** Waits for a slot; false (holding none) if the job was stopped meanwhile. */
  private boolean takeSlot() {
    lock.lock();
    try {
      if (!wanted) return false;
      queued = Thread.currentThread();
    } finally {
      lock.unlock();
    }
    boolean taken = false;
    try {
      taken = slots.tryAcquire(0, TimeUnit.SECONDS); // unlike tryAcquire(), fair to the jobs queued first
      if (!taken) {
        startup.settled(job.name()); // queued behind maxConcurrentJobs, maybe for days: not part of the start-up
        slots.acquire();
        taken = true;
      }
    } catch (InterruptedException e) {
      // stop() interrupted the wait; wanted is false and is checked below
    }
    lock.lock();
    try {
      queued = null;
      Thread.interrupted(); // an interrupt that raced the acquire is spent here, not inside Spark
      if (taken && !wanted) {
        slots.release();
        taken = false;
      }
      return taken;
    } finally {
      lock.unlock();
    }
  }

  @SuppressWarnings("try") // the batch's turn is held by its try, never read
  private StreamingQuery startQuery() throws Exception {
    door.open();
    SparkSession session = spark;
    // Local properties are per thread, and the query's thread inherits them from the one that starts it.
    session.sparkContext().setLocalProperty("spark.scheduler.pool", job.name());
    Dataset<Row> out = job.transform().apply(job.decode().apply(job.source().read(session)));
    Job.Sink sink = job.sink();
    String name = job.name();
    // The query's thread, which Spark creates in start(), inherits the hold for its source.
    return BatchHold.during(startup.holdFor(name), () -> out.writeStream().queryName(job.name()).outputMode("update")
        .trigger(Trigger.ProcessingTime(TriggerSpread.intervalMs(name, job.settings().trigger())))
        .option("checkpointLocation", job.settings().checkpoint())
        .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> {
          // The batch's Spark work (its tasks) runs in the sink's collect: wait for a fair turn first,
          // and give it back before the warehouse write, which uses no executor. A stop may interrupt
          // the wait for a turn or at the door (nothing has run yet), never the work behind the door.
          boolean entered = false;
          try {
            Job.Write write;
            try (BatchGate.Permit turn = gate.admit(job.name(), job.settings().weight())) {
              door.enter();
              entered = true;
              LateEventWatermark.publish(session);
              write = sink.collect(batch, id);
            }
            write.run();
            startup.settled(name); // the run's first batch is done; the second trigger would say so too, later
          } finally {
            if (entered) door.leave();
          }
        })
        .start());
  }

  /** Waits out a backoff; false if the job was stopped meanwhile. */
  private boolean pause(Duration delay) {
    long deadline = System.nanoTime() + delay.toNanos();
    lock.lock();
    try {
      while (wanted) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return true;
        wake.awaitNanos(left);
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }
}

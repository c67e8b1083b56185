package dev.convoy.run;

import dev.convoy.checkpoint.LocalFirstCheckpointFiles;
import dev.convoy.control.JobState;
import dev.convoy.control.Jobs;
import dev.convoy.control.JobStatus;

import dev.convoy.job.Job;
import dev.convoy.job.JobCounters;
import dev.convoy.sink.UpsertSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many jobs in one SparkSession. {@link #start} prepares every sink (a table that does not match its
 * job fails here, before anything runs) and launches each job's supervisor on a virtual thread; a fair
 * semaphore lets {@code maxConcurrentJobs} run at once, the rest wait as {@code PENDING}. Among the
 * running jobs, a {@link BatchGate} admits {@code maxConcurrentBatches} batches to the executors at a
 * time, in a fair, weighted order; a watchdog logs a job whose batch has waited for several triggers.
 */
public final class Driver implements Jobs, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Driver.class);

  private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);
  /** Sinks prepared at once at start-up: enough to hide round trips, few enough to spare the warehouse's leader node. */
  static final int PREPARING_AT_ONCE = 8;

  private final SparkSession spark;
  /** Copy-on-write, in config order: status reads it from any thread while a live change swaps it. */
  private volatile Map<String, JobRunner> runners = Map.of();
  private final ReentrantLock changing = new ReentrantLock();
  private final StartupOrder startup;
  private final ProgressTracker progress;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final Function<String, JobCounters> counters;
  private final BatchGate gate;
  private final Slots slots;
  private final SchedulerPools pools;
  private final CountDownLatch closing = new CountDownLatch(1);

  /**
   * @param maxConcurrentBatches batches using the executors at once; 0: as many as the executors have cores
   * @param counters a job's dead-letter and late-event counters (the accumulators its stages add to)
   */
  public Driver(SparkSession spark, List<Job> jobs, int maxConcurrentJobs, int maxConcurrentBatches,
                Function<String, JobCounters> counters) {
    this.spark = spark;
    this.counters = counters;
    // defaultParallelism is the executors' cores (local[N]: N), the natural number of batches at once.
    this.gate = new BatchGate(maxConcurrentBatches > 0 ? maxConcurrentBatches : Math.max(1, spark.sparkContext().defaultParallelism()),
        Clock.systemUTC());
    this.slots = new Slots(maxConcurrentJobs);
    this.pools = new SchedulerPools(spark.sparkContext());
    this.startup = new StartupOrder(jobs.stream().map(Job::name).toList(), StartupOrder.LONGEST, Clock.systemUTC(), LOG::info);
    this.progress = new ProgressTracker(name -> {
      JobRunner r = runners.get(name);
      return r == null ? null : r.job().settings().trigger();
    }, startup::during, Clock.systemUTC(), LOG::warn); // beside the starvation warnings, in the driver's log
    Map<String, JobRunner> all = new LinkedHashMap<>();
    for (Job job : jobs) {
      pools.ensure(job.name(), job.settings().weight()); // each job's FAIR pool, weighted as the job says
      all.put(job.name(), new JobRunner(job, spark, slots, gate, startup, threads, progress));
    }
    this.runners = Collections.unmodifiableMap(all);
  }

  /**
   * The SparkConf every driver needs: FAIR scheduling. The pools themselves come from the jobs, added
   * when the driver is made ({@link SchedulerPools}); the allocation file Spark reads at start holds
   * none, and exists only so Spark does not warn that it is missing.
   */
  public static SparkConf sparkConf(Map<String, String> settings, Path stateDir) throws IOException {
    Files.createDirectories(stateDir);
    Path pools = stateDir.resolve("fairscheduler.xml");
    Files.writeString(pools, "<?xml version=\"1.0\"?>\n<allocations/>\n");
    SparkConf conf = new SparkConf().setAppName("convoy")
        .set("spark.scheduler.mode", "FAIR")
        .set("spark.scheduler.allocation.file", pools.toString())
        .set("spark.sql.streaming.stopTimeout", "30s")
        .set("spark.sql.adaptive.enabled", "false") // streaming disables it anyway, with a warning per query
        .set("spark.speculation", "false") // replays must re-read the same records, never race a twin
        // A hundred queries at a batch each every few seconds: keep the history Spark holds per query and
        // per job small. Spark's defaults (100 progress updates per query, 1,000 jobs, stages and SQL
        // executions) are sized for one query, and grow the heap with every job (docs/benchmarks.md).
        .set("spark.sql.streaming.numRecentProgressUpdates", "10")
        .set("spark.ui.retainedJobs", "200")
        .set("spark.ui.retainedStages", "200")
        .set("spark.ui.retainedTasks", "2000")
        .set("spark.sql.ui.retainedExecutions", "100")
        // Local checkpoints without a shell command per file (HDFS and S3 stay with Spark's manager).
        .set("spark.sql.streaming.checkpointFileManagerClass", LocalFirstCheckpointFiles.class.getName());
    settings.forEach(conf::set);
    if (!conf.contains("spark.master")) conf.setMaster("local[*]");
    return conf;
  }

  public void start() {
    prepareSinks(runners.values().stream().map(JobRunner::job).toList());
    startup.begin();
    runners.values().forEach(JobRunner::start);
    threads.submit(this::watchForStarvation);
  }

  /**
   * Prepares every job's sink, {@link #PREPARING_AT_ONCE} at a time: each is a few catalog round trips
   * on the sink's own connection; one after another they added ~5 s to 100 jobs' start-up. If any
   * fails, those not begun are skipped (an outage costs one retry budget, not one per job), and the
   * first failure in config order is thrown, the others suppressed, once none is running: nothing has started.
   */
  static void prepareSinks(List<Job> jobs) {
    List<Future<?>> prepared = new ArrayList<>();
    Semaphore atOnce = new Semaphore(PREPARING_AT_ONCE);
    AtomicBoolean failed = new AtomicBoolean(); // after a failure (say, the warehouse is down) the rest are not tried
    try (ExecutorService preparing = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Job job : jobs) {
        prepared.add(preparing.submit(() -> {
          atOnce.acquire();
          try {
            if (!failed.get()) job.sink().prepare();
          } catch (RuntimeException e) {
            failed.set(true);
            throw e;
          } finally {
            atOnce.release();
          }
          return null;
        }));
      }
    }
    RuntimeException first = null;
    for (Future<?> f : prepared) {
      try {
        f.get();
      } catch (ExecutionException e) {
        RuntimeException failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        if (first == null) first = failure; else first.addSuppressed(failure);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while preparing the jobs' tables", e);
      }
    }
    if (first != null) throw first;
  }

  /** Batches using the executors at once. */
  public int maxConcurrentBatches() {
    return gate.slots();
  }

  /** Logs each starved job (see {@link StarvationWatch}) until the driver shuts down. */
  private void watchForStarvation() {
    StarvationWatch watch = new StarvationWatch(gate, () -> {
      Map<String, Duration> triggers = new LinkedHashMap<>();
      runners.values().forEach(r -> triggers.put(r.name(), r.job().settings().trigger()));
      return triggers;
    }, Clock.systemUTC());
    try {
      while (!closing.await(1, TimeUnit.SECONDS)) watch.check().forEach(LOG::warn);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public List<JobStatus> status() {
    return runners.values().stream().map(this::status).toList();
  }

  @Override
  public JobStatus status(String name) {
    return status(runner(name));
  }

  private JobStatus status(JobRunner r) {
    ProgressTracker.Snapshot s = progress.latest(r.name());
    StreamingQueryProgress p = s == null ? null : s.progress();
    JobCounters counted = counters.apply(r.name());
    Job job = r.job();
    Optional<UpsertSink.Waiting> waiting = job.sink().waiting();
    return new JobStatus(r.name(), r.state(), r.name(),
        p == null ? -1 : p.batchId(), p == null ? null : p.timestamp(),
        p == null ? 0 : finite(p.inputRowsPerSecond()), p == null ? 0 : finite(p.processedRowsPerSecond()),
        p == null || p.durationMs().get("triggerExecution") == null ? 0 : p.durationMs().get("triggerExecution"),
        p == null ? null : p.eventTime().get("watermark"),
        s == null ? 0 : s.sourceLagMs(), counted.lateEvents().value(), progress.lateRowsDropped(r.name()),
        counted.deadLettersWritten().sum(),
        r.restarts(), r.lastError(),
        // A batch held at start-up waits for its turn too: after every job's first batch.
        Math.max(gate.waited(r.name()).toMillis(), startup.held(r.name()).toMillis()),
        gate.lastAdmitted(r.name()).map(t -> Duration.between(t, Instant.now()).toMillis()).orElse(-1L),
        waiting.map(UpsertSink.Waiting::reason).orElse(null), waiting.map(w -> w.since().toString()).orElse(null),
        job.sink().metrics());
  }

  /**
   * Each job's batches over the last 30 minutes, for the status page: {@code [epochMs, batchMs, lagMs]}
   * per point, oldest first, at most one point per 5 s.
   */
  @Override
  public Map<String, List<long[]>> history() {
    Map<String, List<long[]>> out = new LinkedHashMap<>();
    Map<String, List<BatchHistory.Point>> all = progress.history().since(System.currentTimeMillis());
    for (String job : runners.keySet()) {
      out.put(job, all.getOrDefault(job, List.of()).stream().map(p -> new long[] {p.at(), p.batchMs(), p.lagMs()}).toList());
    }
    return out;
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? Math.round(v * 10) / 10.0 : 0;
  }

  @Override
  public JobStatus stop(String name) {
    runner(name).stop(STOP_TIMEOUT);
    return status(name);
  }

  @Override
  public JobStatus start(String name) {
    runner(name).start();
    return status(name);
  }

  @Override
  public JobStatus restart(String name) {
    JobRunner r = runner(name);
    r.stop(STOP_TIMEOUT);
    r.start();
    return status(name);
  }

  /** The job running under {@code name}. */
  public Job job(String name) {
    return runner(name).job();
  }

  /** The number of jobs that may run at once; jobs beyond it wait as {@code PENDING}. */
  public int maxConcurrentJobs() {
    return slots.size();
  }

  /** Changes {@link #maxConcurrentJobs} live: a larger number starts waiting jobs; a smaller one stops none. */
  public void maxConcurrentJobs(int jobs) {
    slots.resize(jobs);
  }

  /** Adds a job whose sink is prepared and starts it (PENDING while every slot is taken). */
  public void add(Job job) {
    changing.lock();
    try {
      if (runners.containsKey(job.name())) throw new IllegalArgumentException("job '" + job.name() + "' already runs in this driver");
      pools.ensure(job.name(), job.settings().weight());
      JobRunner r = new JobRunner(job, spark, slots, gate, startup, threads, progress);
      Map<String, JobRunner> next = new LinkedHashMap<>(runners);
      next.put(job.name(), r);
      runners = Collections.unmodifiableMap(next);
      r.start();
    } finally {
      changing.unlock();
    }
  }

  /** Stops a job and forgets it; its checkpoint and table stay where they are. */
  public void remove(String name) {
    changing.lock();
    try {
      JobRunner r = runner(name);
      r.stop(STOP_TIMEOUT);
      r.forget();
      Map<String, JobRunner> next = new LinkedHashMap<>(runners);
      next.remove(name);
      runners = Collections.unmodifiableMap(next);
      progress.forget(name);
      r.job().sink().close();
    } finally {
      changing.unlock();
    }
  }

  /**
   * Stops the job of the same name, swaps in {@code changed} (a prepared sink, or the same one) and
   * starts it again unless on-call had stopped it. Returns whether it started.
   */
  public boolean replace(Job changed) {
    JobRunner r = runner(changed.name());
    boolean wasStopped = r.state() == JobState.STOPPED;
    Job before = r.job();
    r.stop(STOP_TIMEOUT);
    pools.ensure(changed.name(), changed.settings().weight());
    r.replace(changed);
    if (before.sink() != changed.sink()) before.sink().close();
    if (!wasStopped) r.start();
    return !wasStopped;
  }

  /** The weight Spark's scheduler gives the job's tasks (its FAIR pool's). */
  public int poolWeight(String name) {
    return pools.weight(name);
  }

  @Override
  public boolean healthy() {
    return runners.values().stream().noneMatch(r -> r.state() == JobState.FAILED);
  }

  private JobRunner runner(String name) {
    JobRunner r = runners.get(name);
    if (r == null) throw new NoSuchElementException("no job named '" + name + "'; jobs: " + String.join(", ", runners.keySet()));
    return r;
  }

  /** Stops every query gracefully (in parallel) and says whether every job was healthy. */
  public boolean shutdown() {
    closing.countDown();
    boolean healthy = healthy();
    try (var stopping = Executors.newVirtualThreadPerTaskExecutor()) {
      runners.values().forEach(r -> stopping.submit(() -> r.stop(STOP_TIMEOUT)));
    }
    runners.values().forEach(r -> r.job().sink().close());
    threads.shutdownNow();
    return healthy;
  }

  @Override
  public void close() {
    shutdown();
  }

}

package dev.convoy.run;

import dev.convoy.job.Job;
import dev.convoy.job.JobCounters;
import dev.convoy.sink.UpsertSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * Many jobs in one SparkSession. {@link #start} prepares every sink (a table that does not match its
 * job fails here, before anything runs) and launches each job's supervisor on a virtual thread; a fair
 * semaphore lets {@code maxConcurrentJobs} run at once, the rest wait as {@code PENDING}.
 */
public final class Driver implements AutoCloseable {

  private final SparkSession spark;
  private final Map<String, JobRunner> runners = new LinkedHashMap<>();
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final ProgressTracker progress = new ProgressTracker();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final Function<String, JobCounters> counters;

  /**
   * @param counters a job's dead-letter and late-event counters (the accumulators its stages add to)
   */
  public Driver(SparkSession spark, List<Job> jobs, int maxConcurrentJobs, Function<String, JobCounters> counters) {
    this.spark = spark;
    this.counters = counters;
    Semaphore slots = new Semaphore(maxConcurrentJobs, true);
    for (Job job : jobs) {
      this.jobs.put(job.name(), job);
      runners.put(job.name(), new JobRunner(job, spark, slots, threads, progress));
    }
  }

  /**
   * The SparkConf every driver needs: FAIR scheduling with one pool per job, weighted as configured.
   * Pools must be declared in a file before the SparkContext starts.
   */
  public static SparkConf sparkConf(Map<String, String> settings, Map<String, Integer> poolWeights, Path stateDir) throws IOException {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<allocations>\n");
    poolWeights.forEach((pool, weight) -> xml.append("  <pool name=\"").append(pool)
        .append("\"><schedulingMode>FAIR</schedulingMode><weight>").append(weight).append("</weight><minShare>0</minShare></pool>\n"));
    xml.append("</allocations>\n");
    Files.createDirectories(stateDir);
    Path pools = stateDir.resolve("fairscheduler.xml");
    Files.writeString(pools, xml);
    SparkConf conf = new SparkConf().setAppName("convoy")
        .set("spark.scheduler.mode", "FAIR")
        .set("spark.scheduler.allocation.file", pools.toString())
        .set("spark.sql.streaming.stopTimeout", "30s")
        .set("spark.sql.adaptive.enabled", "false") // streaming disables it anyway, with a warning per query
        .set("spark.speculation", "false"); // replays must re-read the same records, never race a twin
    settings.forEach(conf::set);
    if (!conf.contains("spark.master")) conf.setMaster("local[*]");
    return conf;
  }

  public void start() {
    for (Job job : jobs.values()) job.sink().prepare();
    runners.values().forEach(JobRunner::start);
  }

  public List<JobStatus> status() {
    return runners.values().stream().map(this::status).toList();
  }

  public JobStatus status(String name) {
    return status(runner(name));
  }

  private JobStatus status(JobRunner r) {
    ProgressTracker.Snapshot s = progress.latest(r.name());
    StreamingQueryProgress p = s == null ? null : s.progress();
    JobCounters counted = counters.apply(r.name());
    Optional<UpsertSink.Waiting> waiting = jobs.get(r.name()).sink().waiting();
    return new JobStatus(r.name(), r.state(), r.name(),
        p == null ? -1 : p.batchId(), p == null ? null : p.timestamp(),
        p == null ? 0 : finite(p.inputRowsPerSecond()), p == null ? 0 : finite(p.processedRowsPerSecond()),
        p == null || p.durationMs().get("triggerExecution") == null ? 0 : p.durationMs().get("triggerExecution"),
        p == null ? null : p.eventTime().get("watermark"),
        s == null ? 0 : s.sourceLagMs(), counted.lateEvents().value(), progress.lateRowsDropped(r.name()),
        counted.deadLettersWritten().sum(),
        r.restarts(), r.lastError(),
        waiting.map(UpsertSink.Waiting::reason).orElse(null), waiting.map(w -> w.since().toString()).orElse(null));
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? Math.round(v * 10) / 10.0 : 0;
  }

  public JobStatus stop(String name) {
    runner(name).stop(Duration.ofMinutes(1));
    return status(name);
  }

  public JobStatus start(String name) {
    runner(name).start();
    return status(name);
  }

  public JobStatus restart(String name) {
    JobRunner r = runner(name);
    r.stop(Duration.ofMinutes(1));
    r.start();
    return status(name);
  }

  /** No job has spent its restart budget. */
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
    boolean healthy = healthy();
    try (var stopping = Executors.newVirtualThreadPerTaskExecutor()) {
      runners.values().forEach(r -> stopping.submit(() -> r.stop(Duration.ofMinutes(1))));
    }
    jobs.values().forEach(j -> j.sink().close());
    threads.shutdownNow();
    return healthy;
  }

  @Override
  public void close() {
    shutdown();
  }

}

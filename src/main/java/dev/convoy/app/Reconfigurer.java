package dev.convoy.app;

import dev.convoy.run.Driver;

import dev.convoy.config.ConvoyConfig;
import dev.convoy.config.JobConfig;
import dev.convoy.job.Job;
import dev.convoy.job.JobCounters;
import dev.convoy.plan.Plan;
import dev.convoy.config.Planner;
import dev.convoy.sink.RedshiftWarehouse;
import dev.convoy.sink.Warehouse;
import dev.convoy.source.SourceSelection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/convoy apply}: validates a new configuration with the start-up rules, plans it against the
 * running one ({@link Planner}) and, unless a change is refused, applies it without touching unchanged
 * jobs. New and reset jobs' tables are prepared before anything stops, so a table that does not match
 * leaves everything as it was. One change at a time.
 */
public final class Reconfigurer {

  private static final Logger LOG = LoggerFactory.getLogger(Reconfigurer.class);

  private final Driver driver;
  private final Map<String, String> env;
  private final SourceSelection sources;
  private final Function<String, JobCounters> counters;
  private final KeptConfig kept;
  private final ReentrantLock applying = new ReentrantLock();
  private volatile ConvoyConfig running;

  Reconfigurer(Driver driver, ConvoyConfig running, Map<String, String> env, SourceSelection sources,
               Function<String, JobCounters> counters, KeptConfig kept) {
    this.driver = driver;
    this.running = running;
    this.env = env;
    this.sources = sources;
    this.counters = counters;
    this.kept = kept;
  }

  /** The configuration the driver runs with now. */
  public ConvoyConfig running() {
    return running;
  }

  /**
   * Plans {@code yamlText} against the running configuration and, unless {@code dryRun} or a change is
   * refused, applies it. Throws {@link dev.convoy.config.ConfigException} for a file start-up would refuse.
   */
  public Plan apply(String yamlText, boolean dryRun) {
    applying.lock();
    try {
      ConvoyConfig wanted = ConvoyConfig.parse("the applied config", yamlText, env);
      Plan plan = Planner.plan(running, wanted);
      if (dryRun || plan.refused()) return plan;
      Warehouse warehouse = new RedshiftWarehouse(wanted.redshift(), env);
      List<Job> added = new ArrayList<>();
      List<Job> changed = new ArrayList<>();
      List<Job> prepared = new ArrayList<>();
      try {
        for (Plan.JobPlan line : plan.jobs()) {
          switch (line.action()) {
            case ADD -> added.add(prepare(build(wanted, line.job(), warehouse), prepared));
            case RESET -> changed.add(prepare(build(wanted, line.job(), warehouse), prepared));
            case RESTART -> changed.add(keepingSink(build(wanted, line.job(), warehouse)));
            case REMOVE, KEEP -> { }
          }
        }
      } catch (RuntimeException e) {
        prepared.forEach(j -> j.sink().close());
        throw new IllegalStateException("nothing was changed: " + e.getMessage(), e);
      }
      LOG.info("applying a new config: {} added, {} removed, {} restarted, {} reset, {} unchanged", plan.count(Plan.Action.ADD),
          plan.count(Plan.Action.REMOVE), plan.count(Plan.Action.RESTART), plan.count(Plan.Action.RESET), plan.count(Plan.Action.KEEP));
      // Removed jobs go first (their slots and a renamed job's checkpoint come free), changed ones stop and
      // start in parallel, and added jobs come last, under the new maxConcurrentJobs.
      inParallel(plan.jobs().stream().filter(l -> l.action() == Plan.Action.REMOVE).map(l -> (Runnable) () -> driver.remove(l.job())).toList());
      inParallel(changed.stream().map(j -> (Runnable) () -> driver.replace(j)).toList());
      driver.maxConcurrentJobs(wanted.maxConcurrentJobs());
      added.forEach(driver::add);
      running = wanted;
      kept.applied(yamlText);
      return plan;
    } finally {
      applying.unlock();
    }
  }

  private Job build(ConvoyConfig wanted, String name, Warehouse warehouse) {
    JobConfig j = wanted.jobs().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    return ConfiguredJobs.of(j, wanted, sources, warehouse, counters.apply(name));
  }

  private static Job prepare(Job job, List<Job> prepared) {
    job.sink().prepare();
    prepared.add(job);
    return job;
  }

  /** A restart changes only how the job runs, never what its sink writes: it keeps its sink, connection and counts. */
  private Job keepingSink(Job fresh) {
    Job.Sink sink = driver.job(fresh.name()).sink();
    fresh.sink().close();
    return new Job(fresh.name(), fresh.settings(), fresh.source(), fresh.decode(), fresh.transform(), sink);
  }

  /** Runs each step on its own virtual thread; a step that failed is reported once all have ended. */
  private static void inParallel(List<Runnable> work) {
    List<Future<?>> done = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      work.forEach(w -> done.add(threads.submit(w)));
    }
    List<String> failed = new ArrayList<>();
    for (Future<?> f : done) {
      if (f.state() == Future.State.FAILED) failed.add(String.valueOf(f.exceptionNow().getMessage()));
    }
    if (!failed.isEmpty()) throw new IllegalStateException("the change was applied in part; failed: " + String.join("; ", failed));
  }
}

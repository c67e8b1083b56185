package dev.convoy.run;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.Pool;
import org.apache.spark.scheduler.Schedulable;
import org.apache.spark.scheduler.SchedulingMode;

/**
 * The FAIR scheduler's pool of each job, derived from the job (its name and weight). Spark reads a pool
 * file only once, when the context starts, and a job without a pool would get an unweighted FIFO one
 * and a warning; so every job's pool, at start or added live, is added here, and a changed weight
 * replaces the pool while the job is stopped. This uses the
 * scheduler's pool tree, which Spark does not publish as API; it has been stable since 1.x.
 */
final class SchedulerPools {

  private final SparkContext context;

  SchedulerPools(SparkContext context) {
    this.context = context;
  }

  /** Makes {@code job}'s pool exist with {@code weight}; call while the job runs no query. */
  void ensure(String job, int weight) {
    Pool root = context.taskScheduler().rootPool();
    Schedulable pool = root.getSchedulableByName(job);
    if (pool != null && pool.weight() == weight) return;
    if (pool != null) root.removeSchedulable(pool);
    root.addSchedulable(new Pool(job, SchedulingMode.FAIR(), 0, weight));
  }

  /** The weight Spark schedules {@code job}'s tasks with, or 0 if it has no pool yet. */
  int weight(String job) {
    Schedulable pool = context.taskScheduler().rootPool().getSchedulableByName(job);
    return pool == null ? 0 : pool.weight();
  }
}

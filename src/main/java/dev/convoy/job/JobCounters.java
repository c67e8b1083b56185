package dev.convoy.job;

import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * What a job's tasks count on the executors, summed on the driver for its status: payloads kept as
 * dead letters, and events dropped behind the watermark.
 */
public record JobCounters(LongAccumulator deadLetters, LongAccumulator lateEvents) {

  /** Registers a fresh pair of accumulators for {@code job}, named so the Spark UI shows whose they are. */
  public static JobCounters register(SparkContext spark, String job) {
    return new JobCounters(spark.longAccumulator("dead letters of " + job), spark.longAccumulator("late events of " + job));
  }
}

package dev.convoy.job;

import dev.convoy.events.DeadLetter;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * What a job's tasks hand to the driver, and what the driver counts for its status: the dead letters
 * of the running batch (written by the driver in the batch's transaction), dead letters committed
 * since the driver started, and events dropped behind the watermark.
 */
public record JobCounters(CollectionAccumulator<DeadLetter> deadLetters, LongAdder deadLettersWritten, LongAccumulator lateEvents) {

  /** Registers fresh accumulators for {@code job}, named so the Spark UI shows whose they are. */
  public static JobCounters register(SparkContext spark, String job) {
    return new JobCounters(spark.collectionAccumulator("dead letters of " + job), new LongAdder(),
        spark.longAccumulator("late events of " + job));
  }
}

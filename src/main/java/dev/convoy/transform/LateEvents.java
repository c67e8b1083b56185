package dev.convoy.transform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.unix_millis;

import java.time.Duration;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.LongAccumulator;

/**
 * Counts, event by event, what a windowed aggregation will drop behind its watermark. Spark's own
 * metric ({@code numRowsDroppedByWatermark}) counts rows after partial aggregation, so it cannot say
 * how many events were left out. This stage sits before the aggregation, lets every event through,
 * and applies Spark's rule: an event is late when its window's end is at or before the watermark
 * Spark uses for late events in this batch. The driver publishes that watermark as the local property
 * {@link #WATERMARK_PROPERTY} before the batch runs; without it nothing is counted.
 *
 * <p>Task retries re-run the stage, so a retried task can count its late events twice (an
 * accumulator's usual caveat); replays after a restart count again in the new driver only.
 */
public final class LateEvents {

  /** Local property carrying Spark's late-event watermark (epoch millis) of the running batch. */
  public static final String WATERMARK_PROPERTY = "convoy.lateEventsWatermarkMs";

  private final Behind behind;

  public LateEvents(Duration window, LongAccumulator counter) {
    this.behind = new Behind(window.toMillis(), counter);
  }

  /** The events unchanged, each late one counted once per execution of the task. */
  public Dataset<Row> count(Dataset<Row> events, String eventTime) {
    // Nondeterministic, so the optimizer neither drops this always-true filter nor moves it.
    return events.filter(udf(behind, DataTypes.BooleanType).asNondeterministic().apply(unix_millis(col(eventTime))));
  }

  /** The end of the tumbling window holding {@code eventMillis}, as Spark aligns windows (from the epoch). */
  static long windowEnd(long eventMillis, long windowMs) {
    return eventMillis - Math.floorMod(eventMillis, windowMs) + windowMs;
  }

  /**
   * Always true; counts the late events it sees. Spark deserializes a task's closures for each task, so
   * an instance is one task's: it reads the watermark once, and needs no locking.
   */
  private static final class Behind implements UDF1<Long, Boolean> {
    private final long windowMs;
    private final LongAccumulator counter;
    private transient boolean read;
    private transient long watermarkMs;

    Behind(long windowMs, LongAccumulator counter) {
      this.windowMs = windowMs;
      this.counter = counter;
    }

    @Override
    public Boolean call(Long eventMillis) {
      if (!read) {
        // Not per event: finding the task context is a thread-local lookup, its property a synchronized get.
        read = true;
        TaskContext current = TaskContext.get();
        String published = current == null ? null : current.getLocalProperty(WATERMARK_PROPERTY);
        watermarkMs = published == null ? Long.MIN_VALUE : Long.parseLong(published);
      }
      if (eventMillis != null && watermarkMs != Long.MIN_VALUE && windowEnd(eventMillis, windowMs) <= watermarkMs) {
        counter.add(1);
      }
      return Boolean.TRUE;
    }
  }
}

package dev.convoy.run;

import dev.convoy.transform.LateEvents;
import java.util.OptionalLong;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.streaming.IncrementalExecution;
import org.apache.spark.sql.execution.streaming.StateStoreSaveExec;
import org.apache.spark.sql.execution.streaming.StreamingQueryWrapper;
import org.apache.spark.sql.streaming.StreamingQuery;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * Hands the tasks of a micro-batch the watermark Spark drops late events by, so {@link LateEvents}
 * can count exactly what the aggregation drops. Spark fixes that watermark in the batch's physical
 * plan (the previous batch's watermark since Spark 3.4, not the one the progress shows), so it is read
 * from there rather than recomputed. Called on the query's thread in {@code foreachBatch}, before the
 * sink runs the plan; local properties of that thread reach the batch's tasks.
 */
final class LateEventWatermark {

  // Set by Spark on each query's micro-batch thread (StreamExecution.QUERY_ID_KEY).
  private static final String QUERY_ID = "sql.streaming.queryId";

  private LateEventWatermark() {}

  static void publish(SparkSession session) {
    String id = session.sparkContext().getLocalProperty(QUERY_ID);
    OptionalLong watermark = id == null ? OptionalLong.empty() : of(session.streams().get(id));
    session.sparkContext().setLocalProperty(LateEvents.WATERMARK_PROPERTY,
        watermark.isPresent() ? Long.toString(watermark.getAsLong()) : null);
  }

  /** The running batch's late-event watermark; empty before the first watermark or without an aggregation. */
  static OptionalLong of(StreamingQuery query) {
    if (!(query instanceof StreamingQueryWrapper wrapper)) return OptionalLong.empty();
    IncrementalExecution execution = wrapper.streamingQuery().lastExecution();
    return execution == null ? OptionalLong.empty() : find(execution.executedPlan());
  }

  private static OptionalLong find(SparkPlan plan) {
    if (plan instanceof StateStoreSaveExec save) {
      Option<Object> ms = save.eventTimeWatermarkForLateEvents();
      return ms.isDefined() ? OptionalLong.of((Long) ms.get()) : OptionalLong.empty();
    }
    for (SparkPlan child : JavaConverters.seqAsJavaList(plan.children())) {
      OptionalLong found = find(child);
      if (found.isPresent()) return found;
    }
    return OptionalLong.empty();
  }
}

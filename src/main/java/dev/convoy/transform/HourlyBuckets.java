package dev.convoy.transform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hll_sketch_agg;
import static org.apache.spark.sql.functions.hll_sketch_estimate;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.window;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * Events to time buckets (an hour by default) keyed by the job's dimensions, with an event-time
 * watermark. Run in update mode, each batch emits the changed buckets with their full values, which
 * the sink MERGEs: replaying a batch rewrites the same numbers. Events behind the watermark are
 * dropped by Spark and counted one by one by {@link LateEvents} before the aggregation.
 */
public final class HourlyBuckets {

  /** Bytes of UTF-8 a dimension column holds; longer names become dead letters at decode. */
  public static final int DIMENSION_BYTES = 256;

  private final Aggregation aggregation;
  private final LateEvents late;

  public HourlyBuckets(Aggregation aggregation, LongAccumulator lateEvents) {
    this.aggregation = aggregation;
    this.late = new LateEvents(aggregation.window(), lateEvents);
  }

  public Dataset<Row> apply(Dataset<Row> events) {
    List<org.apache.spark.sql.Column> keys = new ArrayList<>();
    keys.add(window(col("event_time"), aggregation.window().toSeconds() + " seconds").as("bucket"));
    aggregation.dimensions().forEach(d -> keys.add(col(d.column())));
    List<org.apache.spark.sql.Column> measures = aggregation.metrics().stream().map(m -> switch (m) {
      case EVENTS -> count(lit(1)).as(m.column());
      case DISTINCT_SUBSCRIBERS -> size(collect_set(col("subscriber_id"))).cast("long").as(m.column());
      case APPROX_DISTINCT_SUBSCRIBERS -> hll_sketch_estimate(hll_sketch_agg(col("subscriber_id"), Metric.APPROX_LG_K)).as(m.column());
    }).toList();
    List<org.apache.spark.sql.Column> out = new ArrayList<>();
    out.add(col("bucket.start").as("bucket_start"));
    aggregation.dimensions().forEach(d -> out.add(col(d.column())));
    aggregation.metrics().forEach(m -> out.add(col(m.column())));
    return late.count(events, "event_time").withWatermark("event_time", aggregation.watermark().toMillis() + " milliseconds")
        .groupBy(keys.toArray(org.apache.spark.sql.Column[]::new))
        .agg(measures.getFirst(), measures.subList(1, measures.size()).toArray(org.apache.spark.sql.Column[]::new))
        .select(out.toArray(org.apache.spark.sql.Column[]::new));
  }
}

package dev.convoy.bench;

import dev.convoy.transform.Aggregation;

import dev.convoy.testing.SyntheticEvents;
import dev.convoy.transform.Dimension;
import dev.convoy.transform.HourlyBuckets;
import dev.convoy.transform.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * State memory of one hourly bucket holding N distinct subscribers, exact ({@code distinct_subscribers},
 * a set of ids) against approximate ({@code approx_distinct_subscribers}, a HyperLogLog sketch), and
 * the approximate count's error. Each run streams N events (one per subscriber) from Parquet files
 * through the job's bucket stage in a real local Spark and reads the state store's
 * {@code memoryUsedBytes} from the query's progress. Run with {@code make bench-distinct};
 * -Dsizes=10000,100000,1000000.
 */
public final class DistinctStateBenchmark {

  public static void main(String[] args) throws Exception {
    List<Long> sizes = List.of(System.getProperty("sizes", "10000,100000,1000000").split(",")).stream().map(Long::parseLong).toList();
    SparkSession spark = SparkSession.builder().master("local[2]").appName("convoy-bench-distinct")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
    System.out.printf("%-12s %-28s %14s %12s %10s%n", "subscribers", "metric", "state bytes", "value", "error");
    for (long n : sizes) {
      Path input = Files.createTempDirectory("convoy-bench-distinct-in");
      SyntheticEvents.oneHour(spark, n, 1).repartition(4).write().mode("overwrite").parquet(input.toString());
      for (Metric metric : List.of(Metric.DISTINCT_SUBSCRIBERS, Metric.APPROX_DISTINCT_SUBSCRIBERS)) {
        var aggregation = new Aggregation(Duration.ofHours(1), Duration.ofHours(24), List.of(Dimension.CAMPAIGN_ID),
            List.of(Metric.EVENTS, metric));
        AtomicLong value = new AtomicLong(-1);
        Dataset<Row> events = spark.readStream().schema(SyntheticEvents.oneHour(spark, 1, 1).schema()).parquet(input.toString());
        StreamingQuery q = new HourlyBuckets(aggregation, spark.sparkContext().longAccumulator()).apply(events)
            .writeStream().outputMode("update")
            .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> batch.collectAsList().forEach(r -> value.set(r.<Long>getAs(metric.column()))))
            .option("checkpointLocation", Files.createTempDirectory("convoy-bench-distinct-cp").toString())
            .start();
        q.processAllAvailable();
        StateOperatorProgress state = q.lastProgress().stateOperators()[0];
        q.stop();
        System.out.printf("%-12d %-28s %,14d %,12d %9.2f%%%n", n, metric.column(), state.memoryUsedBytes(), value.get(),
            100.0 * (value.get() - n) / n);
      }
    }
    spark.stop();
  }
}

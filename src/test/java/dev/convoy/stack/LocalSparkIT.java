package dev.convoy.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;

/**
 * Spark 3.5 runs on the build's JDK with the local classpath (Hadoop client 3.5.0, servlet API, the
 * flags in conf/jvm.properties): a windowed streaming aggregation started from a virtual thread, as
 * the launcher will start every job.
 */
class LocalSparkIT {

  @Test
  void windowedStreamingAggregationRunsFromAVirtualThread() throws Exception {
    Path checkpoint = Files.createTempDirectory("convoy-spark-it");
    SparkSession spark = SparkSession.builder().master("local[2]").appName("convoy-local-spark-it")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.scheduler.mode", "FAIR")
        .getOrCreate();
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<List<Row>> result = executor.submit(() -> {
        spark.sparkContext().setLocalProperty("spark.scheduler.pool", "it");
        Dataset<Row> events = spark.range(0, 3600).selectExpr(
            "timestamp_seconds(id) AS event_time", "CAST(id % 3 AS STRING) AS campaign");
        // A bounded file source streams the same rows; Trigger.AvailableNow ends the query.
        Path input = checkpoint.resolve("input");
        events.write().parquet(input.toString());
        StreamingQuery query = spark.readStream().schema(events.schema()).parquet(input.toString())
            .withWatermark("event_time", "1 hour")
            .groupBy(functions.window(functions.col("event_time"), "1 hour"), functions.col("campaign"))
            .count()
            .writeStream().format("memory").queryName("it_buckets").outputMode("update")
            .option("checkpointLocation", checkpoint.resolve("cp").toString())
            .trigger(Trigger.AvailableNow())
            .start();
        query.awaitTermination(TimeUnit.MINUTES.toMillis(3));
        return spark.sql("SELECT campaign, count FROM it_buckets ORDER BY campaign").collectAsList();
      });
      List<Row> rows = result.get(4, TimeUnit.MINUTES);
      assertThat(rows).extracting(r -> r.getString(0) + "=" + r.getLong(1))
          .containsExactly("0=1200", "1=1200", "2=1200");
    } finally {
      spark.stop();
    }
  }
}

package dev.convoy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.window;

/**
 * On the driver's settings a windowed aggregation runs no batch only to move its watermark (each such
 * batch costs a job a whole micro-batch and writes nothing in update mode), and a {@code spark:} setting
 * brings them back.
 */
class NoDataBatchesIT {

  @TempDir Path dir;

  @Test
  void aBatchThatMovesTheWatermarkIsNotFollowedByABatchWithoutData() throws Exception {
    SparkSession spark = SparkSession.builder().config(Driver.sparkConf(Map.of("spark.master", "local[2]", "spark.ui.enabled",
        "false", "spark.sql.shuffle.partitions", "1", "spark.sql.session.timeZone", "UTC"), dir.resolve("driver"))).getOrCreate();
    try {
      Path in = Files.createDirectories(dir.resolve("in"));
      Files.writeString(in.resolve("1.json"), """
          {"t":"2026-11-28T10:05:00Z","k":"a"}
          {"t":"2026-11-28T12:30:00Z","k":"b"}
          """);
      assertEquals(List.of("0"), run(spark, in, dir.resolve("off")), "batches committed on Convoy's settings");

      spark.conf().set("spark.sql.streaming.noDataMicroBatches.enabled", "true");
      assertEquals(List.of("0", "1"), run(spark, in, dir.resolve("on")),
          "with Spark's default the moved watermark costs a second batch, which writes nothing");
    } finally {
      spark.stop();
    }
  }

  /** Runs the hourly counts over what {@code in} holds and returns the batch ids committed. */
  private static List<String> run(SparkSession spark, Path in, Path checkpoint) throws Exception {
    List<Long> rows = new ArrayList<>();
    VoidFunction2<Dataset<Row>, Long> collect = (batch, id) -> rows.add(batch.count());
    spark.readStream().schema("t TIMESTAMP, k STRING").json(in.toString())
        .withWatermark("t", "10 minutes").groupBy(window(col("t"), "1 hour"), col("k")).count()
        .writeStream().outputMode("update").trigger(Trigger.AvailableNow())
        .option("checkpointLocation", checkpoint.toString())
        .foreachBatch(collect)
        .start().awaitTermination();
    try (Stream<Path> s = Files.list(checkpoint.resolve("commits"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }
}

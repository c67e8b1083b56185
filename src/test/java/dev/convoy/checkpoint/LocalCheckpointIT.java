package dev.convoy.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.convoy.run.Driver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.CheckpointFileManager;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stateful query on the driver's settings keeps its local checkpoint through Convoy's manager, and resumes from it exactly. */
class LocalCheckpointIT {

  @TempDir Path dir;

  @Test
  void aStatefulQueryResumesFromItsLocalCheckpoint() throws Exception {
    var conf = Driver.sparkConf(Map.of("spark.master", "local[2]", "spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "2"),
        dir.resolve("driver"));
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    try {
      Path in = Files.createDirectories(dir.resolve("in"));
      Path checkpoint = dir.resolve("checkpoint");
      Files.writeString(in.resolve("1.json"), "{\"k\":\"a\"}\n{\"k\":\"a\"}\n{\"k\":\"b\"}\n");
      assertEquals(Map.of("a", 2L, "b", 1L), countOnce(spark, in, checkpoint));

      // A second run reads the counts so far back from the state store files the first one wrote (update
      // mode: only the keys it changed).
      Files.writeString(in.resolve("2.json"), "{\"k\":\"a\"}\n{\"k\":\"c\"}\n");
      assertEquals(Map.of("a", 3L, "c", 1L), countOnce(spark, in, checkpoint));

      assertInstanceOf(LocalFirstCheckpointFiles.class,
          CheckpointFileManager.create(new org.apache.hadoop.fs.Path(checkpoint.toUri()), spark.sessionState().newHadoopConf()));
      try (Stream<Path> all = Files.walk(checkpoint)) {
        List<String> left = all.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp") || n.endsWith(".crc")).toList();
        assertEquals(List.of(), left, "temporary or checksum files in the checkpoint");
      }
      assertEquals(List.of("0", "1"), names(checkpoint.resolve("commits")));
    } finally {
      spark.stop();
    }
  }

  /** Runs the query over what {@code in} holds now, and returns the counts its last batch emitted. */
  private static Map<String, Long> countOnce(SparkSession spark, Path in, Path checkpoint) throws Exception {
    Map<String, Long> counts = new TreeMap<>();
    VoidFunction2<Dataset<Row>, Long> collect = (batch, id) -> {
      for (Row r : batch.collectAsList()) counts.put(r.getString(0), r.getLong(1));
    };
    spark.readStream().schema("k STRING").json(in.toString()).groupBy("k").count()
        .writeStream().outputMode("update").trigger(Trigger.AvailableNow())
        .option("checkpointLocation", checkpoint.toString())
        .foreachBatch(collect)
        .start().awaitTermination();
    return counts;
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}

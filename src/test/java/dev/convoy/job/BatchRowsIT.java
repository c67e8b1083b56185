package dev.convoy.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.convoy.run.Driver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch's rows collected by {@link BatchRows}: the values {@code collectAsList} gives, without its second SQL execution. */
class BatchRowsIT {

  @TempDir static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    var conf = Driver.sparkConf(Map.of("spark.master", "local[2]", "spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "2"),
        dir.resolve("driver"));
    spark = SparkSession.builder().config(conf).getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void aPlainDatasetGivesWhatCollectAsListGives() {
    StructType schema = new StructType()
        .add("bucket_start", DataTypes.TimestampType).add("campaign_id", DataTypes.StringType)
        .add("events", DataTypes.LongType).add("rank", DataTypes.IntegerType).add("share", DataTypes.DoubleType);
    List<Row> rows = List.of(
        RowFactory.create(Timestamp.valueOf("2026-11-29 01:00:00"), "c-1", 3L, 1, 0.5),
        RowFactory.create(Timestamp.valueOf("2026-11-29 02:00:00"), null, null, null, null),
        RowFactory.create(Timestamp.valueOf("2026-11-29 03:00:00"), "ünïcödé", Long.MAX_VALUE, -7, 1e-9));
    Dataset<Row> batch = spark.createDataFrame(rows, schema).repartition(2);

    List<Object[]> expected = batch.collectAsList().stream().map(BatchRowsIT::values).sorted(BY_TIME).toList();
    List<Object[]> actual = new ArrayList<>(BatchRows.collect(batch));
    actual.sort(BY_TIME);

    assertEquals(3, actual.size());
    for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), actual.get(i), "row " + i);
  }

  @Test
  void aStatefulBatchIsCollectedInItsOwnSqlExecution() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.writeString(in.resolve("1.json"), "{\"k\":\"a\"}\n{\"k\":\"a\"}\n{\"k\":\"b\"}\n{\"k\":null}\n");
    List<Object[]> collected = new ArrayList<>();
    AtomicInteger batches = new AtomicInteger();
    AtomicInteger executions = new AtomicInteger();
    SparkListener counter = new SparkListener() {
      @Override
      public void onOtherEvent(SparkListenerEvent event) {
        if (event instanceof SparkListenerSQLExecutionStart) executions.incrementAndGet();
      }
    };
    spark.sparkContext().addSparkListener(counter);
    try {
      VoidFunction2<Dataset<Row>, Long> sink = (batch, id) -> {
        batches.incrementAndGet();
        collected.addAll(BatchRows.collect(batch));
      };
      spark.readStream().schema("k STRING").json(in.toString()).groupBy("k").count()
          .writeStream().outputMode("update").trigger(Trigger.AvailableNow())
          .option("checkpointLocation", dir.resolve("checkpoint").toString())
          .foreachBatch(sink)
          .start().awaitTermination();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(counter);
    }

    collected.sort(Comparator.comparing(v -> String.valueOf(v[0])));
    assertEquals(3, collected.size());
    assertArrayEquals(new Object[] {"a", 2L}, collected.get(0));
    assertArrayEquals(new Object[] {"b", 1L}, collected.get(1));
    assertArrayEquals(new Object[] {null, 1L}, collected.get(2));
    // Dataset.collectAsList would have started a second, nested execution per batch.
    assertEquals(batches.get(), executions.get(), "SQL executions for " + batches.get() + " batch(es)");
  }

  private static final Comparator<Object[]> BY_TIME = Comparator.comparing(v -> (Timestamp) v[0]);

  private static Object[] values(Row r) {
    Object[] v = new Object[r.size()];
    for (int i = 0; i < v.length; i++) v[i] = r.get(i);
    return v;
  }
}

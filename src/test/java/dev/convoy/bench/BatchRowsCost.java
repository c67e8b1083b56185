package dev.convoy.bench;

import dev.convoy.job.BatchRows;
import dev.convoy.run.Driver;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The calling thread's CPU for one {@link BatchRows#collect} of a light batch (5 rows in 2 partitions):
 * what the sink's collect costs the query's thread on top of the batch's tasks, which run on the
 * executors' threads. 2,000 warm-up calls, then 5,000 measured, in {@code local[2]}.
 *
 * <p>{@code bin/convoy bench --main dev.convoy.bench.BatchRowsCost}
 */
public final class BatchRowsCost {

  public static void main(String[] args) throws Exception {
    SparkSession spark = SparkSession.builder().config(Driver.sparkConf(Map.of("spark.master", "local[2]", "spark.ui.enabled", "false"),
        Files.createTempDirectory("convoy-batchrows"))).getOrCreate();
    try {
      StructType schema = new StructType().add("campaign_id", DataTypes.StringType).add("events", DataTypes.LongType);
      List<Row> rows = List.of(RowFactory.create("a", 1L), RowFactory.create("b", 2L), RowFactory.create("c", 3L),
          RowFactory.create("d", 4L), RowFactory.create("e", 5L));
      Dataset<Row> batch = spark.createDataFrame(rows, schema).repartition(2);
      batch.cache().count(); // the rows are computed once; each collect then runs one light job over them
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      for (int i = 0; i < 2_000; i++) BatchRows.collect(batch);
      for (int round = 1; round <= 3; round++) {
        int calls = 5_000;
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        long seen = 0;
        for (int i = 0; i < calls; i++) seen += BatchRows.collect(batch).size();
        double cpuUs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / calls;
        double wallUs = (System.nanoTime() - wall0) / 1e3 / calls;
        System.out.printf("round %d: %,d collects of %d rows: %.0f µs of the calling thread's CPU each, %.0f µs wall (JDK %s)%n", round, calls,
            seen / calls, cpuUs, wallUs, Runtime.version());
      }
    } finally {
      spark.stop();
    }
  }
}

package dev.convoy.source.kinesis;

import dev.convoy.testing.LocalStack;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.SupportsAdmissionControl;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import scala.reflect.ClassTag$;

/**
 * What the driver side of the source costs for one batch over a stream that already holds records: the
 * bytes it sends to executors (the partitions and the reader factory, serialised as Spark ships them
 * with each task) and the heap it still holds once the batch is fixed and planned (used heap after a
 * full GC, before and after). It calls the source as Spark's micro-batch loop does, without running
 * the tasks, so nothing an executor does is counted. For the tests and the source benchmark.
 */
public record DriverFootprint(int partitions, long bytesSent, long heapKept) {

  public static DriverFootprint ofFirstBatch(SparkSession spark, LocalStack stack, String stream, Path checkpoint) {
    var options = new CaseInsensitiveStringMap(Map.of("streamName", stream, "endpointUrl", stack.kinesisEndpoint().toString(),
        "region", stack.region().id(), "startingPosition", "TRIM_HORIZON"));
    MicroBatchStream source = ((SupportsRead) new KinesisSourceProvider().getTable(KinesisSourceProvider.SCHEMA, new Transform[0], options))
        .newScanBuilder(options).build().toMicroBatchStream(checkpoint.toString());
    try {
      Offset start = source.initialOffset();
      long before = heapAfterGc();
      Offset end = ((SupportsAdmissionControl) source).latestOffset(start, ReadLimit.allAvailable());
      InputPartition[] partitions = source.planInputPartitions(start, end);
      long kept = heapAfterGc() - before;
      var serializer = new JavaSerializer(spark.sparkContext().conf()).newInstance();
      long bytes = serializer.serialize(source.createReaderFactory(), ClassTag$.MODULE$.AnyRef()).remaining();
      for (InputPartition p : partitions) bytes += serializer.serialize(p, ClassTag$.MODULE$.AnyRef()).remaining();
      return new DriverFootprint(partitions.length, bytes, kept);
    } finally {
      source.stop();
    }
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}

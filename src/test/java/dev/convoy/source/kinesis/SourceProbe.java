package dev.convoy.source.kinesis;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;

/**
 * A query in a JVM of its own, for tests that kill the JVM: reads a stream with the built-in source
 * into {@link BatchFiles} until it is killed. Arguments: endpoint, stream, checkpoint, output folder.
 */
public final class SourceProbe {

  public static void main(String[] args) throws Exception {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("convoy-source-probe")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    spark.readStream().format(KinesisSourceProvider.SHORT_NAME)
        .option("endpointUrl", args[0]).option("streamName", args[1]).option("region", "us-east-1")
        .option("startingPosition", "TRIM_HORIZON").option("maxRecordsPerShard", "100").option("getRecordsInterval", "20ms")
        .load()
        .writeStream().foreachBatch(BatchFiles.writerTo(Path.of(args[3])))
        .option("checkpointLocation", args[2])
        .trigger(Trigger.ProcessingTime(100))
        .start()
        .awaitTermination();
  }
}

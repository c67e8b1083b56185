package dev.convoy.job;

import dev.convoy.sink.SinkMetrics;
import dev.convoy.sink.UpsertSink;
import java.time.Duration;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One streaming job: read → decode → transform → sink, and how it runs. The driver starts its query
 * with {@code outputMode("update")} and the sink in {@code foreachBatch}, so a transform must emit
 * rows carrying absolute values (a bucket's full count) for replays to stay exact.
 */
public record Job(String name, Settings settings, Source source, Decode decode, Transform transform, Sink sink) {

  /** How the job's query runs. */
  public record Settings(Duration trigger, String checkpoint, int weight, int shufflePartitions, RestartPolicy restart) {}

  /** The job's records as a streaming DataFrame in the Kinesis schema. */
  @FunctionalInterface
  public interface Source {
    Dataset<Row> read(SparkSession session);
  }

  /** Payloads to typed rows; what does not decode is kept as a dead letter, never dropped. */
  @FunctionalInterface
  public interface Decode {
    Dataset<Row> apply(Dataset<Row> records);
  }

  /** The business rules: decoded rows to the rows the sink writes. */
  @FunctionalInterface
  public interface Transform {
    Dataset<Row> apply(Dataset<Row> events);
  }

  /**
   * Writes one micro-batch, exactly once per batch id, in two steps: {@link #collect} runs the batch's
   * Spark work while the batch has its turn on the executors, and returns the write to the warehouse,
   * which runs after the turn, so a slow or absent warehouse never holds the executors. Called from the
   * query's thread only.
   */
  public interface Sink extends AutoCloseable {
    /** Creates or checks tables; fails at start-up on a mismatch. */
    void prepare();

    /** Runs the batch on the executors and returns what is left to do: the write. */
    Write collect(Dataset<Row> batch, long batchId);

    /** Both steps at once. */
    default void write(Dataset<Row> batch, long batchId) {
      collect(batch, batchId).run();
    }

    /** What the batch being written waits for (the warehouse being away), if anything. */
    default Optional<UpsertSink.Waiting> waiting() {
      return Optional.empty();
    }

    /** The warehouse writes so far (rows inserted and updated, retries, write time), for status and metrics. */
    default SinkMetrics.Snapshot metrics() {
      return SinkMetrics.Snapshot.NONE;
    }

    @Override
    void close();
  }

  /** The warehouse half of a batch, ready to run. */
  @FunctionalInterface
  public interface Write {
    void run();
  }
}

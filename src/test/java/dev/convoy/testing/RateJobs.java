package dev.convoy.testing;

import dev.convoy.job.RestartPolicy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.window;

import dev.convoy.job.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Jobs that always have data and cost a stateful aggregation per batch, as Convoy's do, without Kinesis
 * or Redshift: Spark's rate source, a windowed count, and a sink that logs when each batch ran. For
 * tests and benchmarks of how jobs share one driver's executors.
 */
public final class RateJobs {

  /** When each job's batches were written (System.nanoTime), safe to read while they run. */
  public static final class BatchLog {
    private final Map<String, List<Long>> times = new ConcurrentHashMap<>();

    void ran(String job) {
      times.computeIfAbsent(job, j -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
    }

    public long count(String job) {
      return times.getOrDefault(job, List.of()).size();
    }

    /** Batches written between the two instants. */
    public long count(String job, long fromNanos, long toNanos) {
      return times.getOrDefault(job, List.of()).stream().filter(t -> t >= fromNanos && t < toNanos).count();
    }

    /** The longest time without a batch between the two instants: how stale the job's buckets got. */
    public Duration longestGap(String job, long fromNanos, long toNanos) {
      long previous = fromNanos;
      long longest = 0;
      for (long t : times.getOrDefault(job, List.of())) {
        if (t < fromNanos || t >= toNanos) continue;
        longest = Math.max(longest, t - previous);
        previous = t;
      }
      return Duration.ofNanos(Math.max(longest, toNanos - previous));
    }
  }

  private RateJobs() {}

  public static Job job(String name, int weight, Duration trigger, Path checkpoint, BatchLog log) {
    Job.Settings settings = new Job.Settings(trigger, checkpoint.toString(), weight, 2,
        new RestartPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    return new Job(name, settings,
        s -> s.readStream().format("rate").option("rowsPerSecond", "200").load(),
        d -> d,
        d -> d.withWatermark("timestamp", "1 hour").groupBy(window(col("timestamp"), "1 minute"), col("value").mod(50).as("k")).count(),
        new Job.Sink() {
          @Override
          public void prepare() {}

          @Override
          public Job.Write collect(Dataset<Row> batch, long batchId) {
            batch.collectAsList();
            return () -> log.ran(name);
          }

          @Override
          public void close() {}
        });
  }
}

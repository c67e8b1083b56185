package dev.convoy.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.convoy.control.JobState;
import dev.convoy.job.Job;
import dev.convoy.job.RestartPolicy;
import dev.convoy.source.kinesis.KinesisSourceProvider;
import dev.convoy.source.kinesis.proxy.StreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy.OutgoingRecord;
import dev.convoy.testing.LocalStack;
import dev.convoy.testing.Streams;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * At start-up a job that has run its first batch holds its next one in Convoy's source while another
 * job's first batch is still running, then goes on; a stop ends a held query cleanly. Real local Spark,
 * the built-in source on kinesis-local.
 */
class StartupOrderIT {

  private static SparkSession spark;

  private final LocalStack stack = LocalStack.fromEnvironment();
  private final KinesisClient kinesis = stack.kinesis();
  private final StreamProxy proxy = stack.streamProxy();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final BatchGate gate = new BatchGate(2, Clock.systemUTC());
  private final List<String> streams = new ArrayList<>();
  private final List<JobRunner> runners = new ArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  @TempDir Path work;

  @BeforeAll
  static void spark() {
    spark = SparkSession.builder().master("local[2]").appName("convoy-startup-order-it")
        .config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @AfterEach
  void cleanUp() {
    runners.forEach(r -> r.stop(Duration.ofMinutes(1)));
    threads.shutdownNow();
    streams.forEach(s -> Streams.deleteQuietly(kinesis, s));
    proxy.close();
    kinesis.close();
  }

  @Test
  void aRunningJobsNextBatchWaitsForAnotherJobsFirstBatch() throws Exception {
    StartupOrder order = new StartupOrder(List.of("early", "late"), Duration.ofMinutes(5), Clock.systemUTC(), log::add);
    List<String> warnings = new CopyOnWriteArrayList<>();
    ProgressTracker tracker = new ProgressTracker(name -> Duration.ofMillis(200), order::during, Clock.systemUTC(), warnings::add);
    CountDownLatch lateMayFinish = new CountDownLatch(1);
    Batches early = new Batches();
    Batches lateBatches = new Batches();
    String earlyStream = newStream();
    put(earlyStream, 5);
    put(newStream(), 5);
    JobRunner late = runner(job("late", streams.get(1), lateBatches, lateMayFinish), order, tracker);
    order.begin();
    late.start();
    await().atMost(Duration.ofMinutes(2)).until(() -> lateBatches.waiting);
    JobRunner first = runner(job("early", earlyStream, early, null), order, tracker);
    first.start();

    await().atMost(Duration.ofMinutes(2)).until(() -> early.rows().size() == 1);
    put(earlyStream, 3);
    await().atMost(Duration.ofMinutes(1)).until(() -> order.holding("early"));
    assertThat(early.rows()).as("its records wait while late's first batch runs").containsExactly(5L);

    lateMayFinish.countDown();
    await().atMost(Duration.ofMinutes(1)).until(() -> early.rows().stream().mapToLong(Long::longValue).sum() == 8);
    assertThat(order.holding("early")).isFalse();
    // The held batch took longer than the trigger, waiting: the driver is not past its budget for that.
    await().atMost(Duration.ofMinutes(1)).until(() -> tracker.latest("early") != null && tracker.latest("early").progress().numInputRows() == 3);
    assertThat(warnings).as("no slow-batch warning for a batch held at start-up").isEmpty();
    assertThat(log).singleElement().asString().startsWith("start-up: all 2 jobs ran their first trigger within ");
  }

  @Test
  void aJobStoppedWhileItsBatchIsHeldStopsCleanly() throws Exception {
    StartupOrder order = new StartupOrder(List.of("held", "never"), Duration.ofMinutes(5), Clock.systemUTC(), log::add);
    order.begin();
    Batches held = new Batches();
    String stream = newStream();
    put(stream, 2);
    JobRunner runner = runner(job("held", stream, held, null), order, new ProgressTracker());
    runner.start();
    await().atMost(Duration.ofMinutes(2)).until(() -> held.rows().size() == 1);
    await().atMost(Duration.ofMinutes(1)).until(() -> order.holding("held"));

    long started = System.nanoTime();
    runner.stop(Duration.ofMinutes(1));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no wait for a batch that never began").isLessThan(Duration.ofSeconds(20));
    assertThat(runner.state()).isEqualTo(JobState.STOPPED);
    assertThat(runner.restarts()).isZero();
    assertThat(runner.lastError()).isNull();
    assertThat(held.rows()).containsExactly(2L);
  }

  /** Each batch's row count, batches with rows only. */
  private static final class Batches {
    private final List<Long> rows = new CopyOnWriteArrayList<>();
    /** The first batch is running and waits for the test. */
    private volatile boolean waiting;

    List<Long> rows() {
      return rows;
    }
  }

  private JobRunner runner(Job job, StartupOrder order, ProgressTracker tracker) {
    JobRunner r = new JobRunner(job, spark, new Semaphore(2), gate, order, threads, tracker);
    runners.add(r);
    return r;
  }

  /** @param firstBatchMayFinish null: batches finish at once; else the first batch waits for it */
  private Job job(String name, String stream, Batches batches, CountDownLatch firstBatchMayFinish) {
    Job.Settings settings = new Job.Settings(Duration.ofMillis(200), work.resolve(name).toString(), 1, 1,
        new RestartPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    Job.Source source = s -> s.readStream().format(KinesisSourceProvider.SHORT_NAME)
        .option("streamName", stream).option("endpointUrl", stack.kinesisEndpoint().toString())
        .option("region", stack.region().id()).option("startingPosition", "TRIM_HORIZON").load();
    return new Job(name, settings, source, d -> d, d -> d, new Job.Sink() {
      @Override
      public void prepare() {}

      @Override
      public Job.Write collect(Dataset<Row> batch, long batchId) {
        long n = batch.count();
        if (firstBatchMayFinish != null && batches.rows().isEmpty()) {
          batches.waiting = true;
          try {
            if (!firstBatchMayFinish.await(2, TimeUnit.MINUTES)) throw new IllegalStateException("the test never let the first batch finish");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        }
        if (n > 0) batches.rows().add(n);
        return () -> {};
      }

      @Override
      public void close() {}
    });
  }

  private String newStream() {
    String stream = "it-startup-" + UUID.randomUUID();
    Streams.create(kinesis, stream, 1);
    streams.add(stream);
    return stream;
  }

  private void put(String stream, int count) {
    Streams.put(proxy, stream, IntStream.range(0, count)
        .mapToObj(i -> new OutgoingRecord("key-" + i, ("r-" + i).getBytes(StandardCharsets.UTF_8))).toList());
  }
}

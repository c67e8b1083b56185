package dev.convoy.run;

import dev.convoy.job.RestartPolicy;

import dev.convoy.control.JobState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.convoy.job.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping a job never leaves a query behind, whatever the supervisor was doing: a query left running
 * keeps writing its checkpoint after the driver has let go of it. Real local Spark, Spark's rate source.
 */
class JobRunnerIT {

  private static SparkSession spark;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final ProgressTracker progress = new ProgressTracker();
  private final BatchGate gate = new BatchGate(2, java.time.Clock.systemUTC());
  @TempDir Path work;

  @BeforeAll
  static void spark() {
    spark = SparkSession.builder().master("local[2]").appName("convoy-job-runner-it")
        .config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void aStopThatArrivesWhileTheQueryIsStartingStopsTheQueryOnceItHasStarted() throws Exception {
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    AtomicReference<SparkSession> session = new AtomicReference<>();
    JobRunner runner = new JobRunner(job("starting", s -> {
      session.set(s);
      reading.countDown();
      block(proceed);
      return rate(s);
    }), spark, new Semaphore(1), gate, StartupOrder.none(), threads, progress);

    runner.start();
    assertThat(reading.await(1, TimeUnit.MINUTES)).isTrue();
    Thread stopping = Thread.ofVirtual().start(() -> runner.stop(Duration.ofMinutes(2)));
    // The stop has nothing to stop yet and waits for the supervisor; only then may the query start.
    await().atMost(Duration.ofSeconds(30)).until(() -> stopping.getState() == Thread.State.TIMED_WAITING);
    proceed.countDown();

    assertThat(stopping.join(Duration.ofMinutes(1))).as("stop returns once the late query is stopped").isTrue();
    assertThat(runner.state()).isEqualTo(JobState.STOPPED);
    assertThat(session.get().streams().active()).as("queries left running").isEmpty();
  }

  @Test
  void aQueuedJobStoppedWhileTheOnlySlotIsReleasedNeverStarts() throws Exception {
    Semaphore slots = new Semaphore(1);
    AtomicReference<SparkSession> queuedSession = new AtomicReference<>();
    JobRunner running = new JobRunner(job("running", this::rate), spark, slots, gate, StartupOrder.none(), threads, progress);
    JobRunner queued = new JobRunner(job("queued", s -> {
      queuedSession.set(s);
      return rate(s);
    }), spark, slots, gate, StartupOrder.none(), threads, progress);

    running.start();
    await().atMost(Duration.ofMinutes(1)).until(() -> running.state() == JobState.RUNNING);
    queued.start();
    assertThat(queued.state()).isEqualTo(JobState.PENDING);
    // Both at once, as the driver's shutdown does: the slot the first frees must not start the second.
    Thread a = Thread.ofVirtual().start(() -> running.stop(Duration.ofMinutes(1)));
    Thread b = Thread.ofVirtual().start(() -> queued.stop(Duration.ofMinutes(1)));
    assertThat(a.join(Duration.ofMinutes(2)) && b.join(Duration.ofMinutes(2))).isTrue();

    assertThat(running.state()).isEqualTo(JobState.STOPPED);
    assertThat(queued.state()).isEqualTo(JobState.STOPPED);
    assertThat(queuedSession.get()).as("the queued job never read its source").isNull();
    assertThat(slots.availablePermits()).as("the slot is back").isEqualTo(1);
  }

  @Test
  void aJobWhoseBatchesOutrunItsTriggerIsNamedButNotForItsFirstBatch() throws Exception {
    List<String> warnings = new CopyOnWriteArrayList<>();
    ProgressTracker tracker = new ProgressTracker(name -> name.equals("slow") ? Duration.ofMillis(500) : null, start -> false, java.time.Clock.systemUTC(),
        warnings::add);
    JobRunner slow = new JobRunner(job("slow", this::rate, Duration.ofMillis(700)), spark, new Semaphore(1), gate, StartupOrder.none(), threads, tracker);
    slow.start();
    try {
      await().atMost(2, TimeUnit.MINUTES).until(() -> !warnings.isEmpty());
      assertThat(warnings.getFirst()).startsWith("job slow: batch ").doesNotStartWith("job slow: batch 0 ")
          .contains("longer than its 0.5 s trigger", "runbook");
    } finally {
      slow.stop(Duration.ofMinutes(1));
    }
    assertThat(warnings).as("once, then not again within " + SlowBatches.REPEAT).hasSize(1);
  }

  private Dataset<Row> rate(SparkSession s) {
    return s.readStream().format("rate").option("rowsPerSecond", "10").load();
  }

  private Job job(String name, Job.Source source) {
    return job(name, source, Duration.ZERO);
  }

  /** @param sinkTakes how long the sink's collect takes: a batch at least that long */
  private Job job(String name, Job.Source source, Duration sinkTakes) {
    Job.Settings settings = new Job.Settings(Duration.ofMillis(500), work.resolve(name).toString(), 1, 1,
        new RestartPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    return new Job(name, settings, source, d -> d, d -> d, new Job.Sink() {
      @Override
      public void prepare() {}

      @Override
      public Job.Write collect(Dataset<Row> batch, long batchId) {
        batch.count();
        try {
          Thread.sleep(sinkTakes.toMillis()); // the slow batch under test, not a wait for anything
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return () -> {};
      }

      @Override
      public void close() {}
    });
  }

  private static void block(CountDownLatch latch) {
    try {
      if (!latch.await(2, TimeUnit.MINUTES)) throw new IllegalStateException("the test never let the source proceed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

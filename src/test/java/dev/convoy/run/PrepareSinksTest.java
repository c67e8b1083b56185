package dev.convoy.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.convoy.job.Job;
import dev.convoy.job.RestartPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Start-up prepares the jobs' sinks a few at a time, and a failure stops the rest from being tried.
 * The sinks here only count: what each prepare does against the warehouse is UpsertSinkIT's.
 */
class PrepareSinksTest {

  private final AtomicInteger inside = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private final Set<String> prepared = ConcurrentHashMap.newKeySet();

  @Test
  void sinksArePreparedSeveralAtATimeButNeverMoreThanTheLimit() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Job> jobs = jobs(30, name -> hold(release));
    Thread start = Thread.ofVirtual().start(() -> Driver.prepareSinks(jobs));
    await().atMost(Duration.ofSeconds(10)).until(() -> inside.get() == Driver.PREPARING_AT_ONCE);
    assertThat(start.join(Duration.ofMillis(200))).as("the rest wait for a place").isFalse();
    assertThat(inside.get()).isEqualTo(Driver.PREPARING_AT_ONCE);
    release.countDown();
    assertThat(start.join(Duration.ofSeconds(10))).isTrue();
    assertThat(prepared).hasSize(30);
    assertThat(mostAtOnce.get()).isEqualTo(Driver.PREPARING_AT_ONCE);
  }

  @Test
  void whenTheWarehouseIsDownOnlyThoseBegunAtOnceAreTriedNotEveryJob() {
    AtomicInteger tried = new AtomicInteger();
    List<Job> jobs = jobs(40, name -> {
      tried.incrementAndGet();
      throw new IllegalStateException("prepare tables of " + name + ": the warehouse is unreachable");
    });
    assertThatThrownBy(() -> Driver.prepareSinks(jobs)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the warehouse is unreachable");
    // A place is given back only after its failure is noted, so no job that starts later tries; without
    // the stop each of the 40 would wait out its own retry budget.
    assertThat(tried.get()).isBetween(1, Driver.PREPARING_AT_ONCE);
    assertThat(prepared).isEmpty();
  }

  @Test
  void ofSeveralFailuresTheFirstInConfigOrderIsThrownAndTheOthersAreSuppressed() {
    CountDownLatch allIn = new CountDownLatch(3);
    List<Job> jobs = jobs(3, name -> {
      allIn.countDown();
      hold(allIn); // all three fail together, whichever finishes first
      throw new IllegalStateException("table of " + name + " does not match");
    });
    assertThatThrownBy(() -> Driver.prepareSinks(jobs)).hasMessage("table of job-0 does not match")
        .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
            .containsExactlyInAnyOrder("table of job-1 does not match", "table of job-2 does not match"));
  }

  private List<Job> jobs(int n, Consumer<String> prepare) {
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = "job-" + i;
      Job.Settings settings = new Job.Settings(Duration.ofSeconds(10), "/unused/" + name, 1, 1, new RestartPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1)));
      jobs.add(new Job(name, settings, null, null, null, new CountingSink(name, prepare)));
    }
    return jobs;
  }

  private static void hold(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private final class CountingSink implements Job.Sink {
    private final String name;
    private final Consumer<String> prepare;

    CountingSink(String name, Consumer<String> prepare) {
      this.name = name;
      this.prepare = prepare;
    }

    @Override
    public void prepare() {
      mostAtOnce.accumulateAndGet(inside.incrementAndGet(), Math::max);
      try {
        prepare.accept(name);
        prepared.add(name);
      } finally {
        inside.decrementAndGet();
      }
    }

    @Override
    public Job.Write collect(Dataset<Row> batch, long batchId) {
      throw new UnsupportedOperationException("never run here");
    }

    @Override
    public void close() {}
  }
}

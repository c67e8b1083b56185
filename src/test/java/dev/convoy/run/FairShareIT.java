package dev.convoy.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.convoy.job.Job;
import dev.convoy.job.JobCounters;
import dev.convoy.testing.RateJobs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An overloaded local[2] driver: more jobs than its two cores can serve at their trigger, each always
 * with data (Spark's rate source) and a stateful hourly-style aggregation. Spark's FAIR scheduler alone
 * served them by pool name; with the batch gate every job runs, equal weights get equal batch counts,
 * and a job of weight 2 gets about twice as many.
 */
class FairShareIT {

  private static final Duration MEASURE = Duration.ofSeconds(Long.getLong("convoy.fairshare.seconds", 60));
  // Names that sort in every order: by name, "a-first" would win every tie in Spark's FAIR scheduler.
  // Twenty equal jobs, not fewer: a query runs one batch at a time, so weight 2 can only win twice the
  // turns while its turn comes later than its own batch cycle (the work outside the gate) allows. With
  // eight, a warm JVM's faster batches made the heavy job's cycle the limit (118 batches against 84).
  private static final List<String> EQUAL = List.of("z-last", "a-first", "job-10", "job-2", "job-1", "m-middle",
      "y-9", "b-0", "c-3", "x-x", "job-100", "n-1", "q", "job-11", "k-7", "e-5", "w", "d-10", "p-2", "g");
  private static final Map<String, Integer> JOBS = new LinkedHashMap<>();

  static {
    EQUAL.forEach(name -> JOBS.put(name, 1));
    JOBS.put("heavy", 2);
  }

  @TempDir Path work;
  private final RateJobs.BatchLog log = new RateJobs.BatchLog();

  @Test
  void underOverloadEveryJobRunsEqualWeightsShareEquallyAndWeightsCountInProportion() throws Exception {
    var conf = Driver.sparkConf(Map.of("spark.master", "local[2]", "spark.ui.enabled", "false",
        "spark.sql.session.timeZone", "UTC"), work.resolve("state"));
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    Map<String, JobCounters> counters = new ConcurrentHashMap<>();
    List<Job> jobs = new ArrayList<>();
    JOBS.forEach((name, weight) -> {
      counters.put(name, JobCounters.register(spark.sparkContext(), name));
      jobs.add(RateJobs.job(name, weight, Duration.ofMillis(200), work.resolve(name), log));
    });
    // -Dconvoy.fairshare.slots=21 lets every batch in at once, as before the gate: the test then fails.
    int slots = Integer.getInteger("convoy.fairshare.slots", 0);
    try (Driver driver = new Driver(spark, jobs, JOBS.size(), slots, counters::get)) {
      assertThat(driver.maxConcurrentBatches()).as("local[2]: two batches at a time").isEqualTo(slots > 0 ? slots : 2);
      driver.start();
      // Warm up until every job has run a batch (each query's first batch plans and compiles its code).
      await().atMost(Duration.ofMinutes(3)).until(() -> JOBS.keySet().stream().allMatch(j -> log.count(j) >= 2));
      long from = System.nanoTime();
      long to = from + MEASURE.toNanos();
      await().atMost(MEASURE.plusMinutes(1)).pollInterval(Duration.ofSeconds(1)).until(() -> System.nanoTime() > to);
      Map<String, Long> ran = new TreeMap<>();
      JOBS.keySet().forEach(j -> ran.put(j, log.count(j, from, to)));
      System.out.println("FairShareIT: batches per job in " + MEASURE + ": " + ran);

      List<Long> equal = JOBS.entrySet().stream().filter(e -> e.getValue() == 1).map(e -> ran.get(e.getKey())).toList();
      double mean = equal.stream().mapToLong(Long::longValue).average().orElseThrow();
      assertThat(ran).as("batches in %s", MEASURE).allSatisfy((job, n) -> assertThat(n).as(job).isPositive());
      assertThat(equal).as("equal weights within 20%% of their mean %.1f: %s", mean, ran)
          .allSatisfy(n -> assertThat((double) n).isBetween(0.8 * mean, 1.2 * mean));
      assertThat(ran.get("heavy") / mean).as("weight 2 against weight 1: %s", ran).isBetween(1.5, 2.5);
      assertThat(driver.status()).allSatisfy(s -> assertThat(s.lastBatchAgeMs()).as(s.name()).isBetween(0L, 30_000L));
    } finally {
      spark.stop();
    }
  }
}

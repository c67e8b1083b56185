package dev.convoy.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.spark.sql.execution.streaming.ProcessingTimeExecutor;
import org.apache.spark.sql.execution.streaming.ProcessingTimeTrigger;
import org.apache.spark.util.SystemClock;
import org.junit.jupiter.api.Test;

class TriggerSpreadTest {

  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);
  private static final List<String> JOBS = IntStream.range(0, 100).mapToObj(i -> "job-" + i).toList();

  /** When Spark starts a query's next batch after {@code now}, by its own rule. */
  private static long nextStart(long intervalMs, long now) {
    return new ProcessingTimeExecutor(ProcessingTimeTrigger.create(intervalMs, TimeUnit.MILLISECONDS), new SystemClock()).nextBatchTime(now);
  }

  /** The most of {@code JOBS}' next starts after {@code now} that fall in one second. */
  private static int mostStartsInOneSecond(Duration trigger, long now, boolean spread) {
    List<Long> starts = JOBS.stream().map(j -> nextStart(spread ? TriggerSpread.intervalMs(j, trigger) : trigger.toMillis(), now)).sorted().toList();
    int most = 0;
    for (int i = 0, j = 0; i < starts.size(); i++) {
      while (starts.get(i) - starts.get(j) >= 1_000) j++;
      most = Math.max(most, i - j + 1);
    }
    return most;
  }

  @Test
  void aJobRunsWithinOnePercentOfItsTriggerTheSameEveryTime() {
    for (String job : JOBS) {
      long ms = TriggerSpread.intervalMs(job, TEN_SECONDS);
      assertThat(ms).as(job).isBetween(9_900L, 10_100L).isEqualTo(TriggerSpread.intervalMs(job, TEN_SECONDS));
    }
    assertThat(TriggerSpread.intervalMs("emails-sent", Duration.ofMinutes(1))).isBetween(59_400L, 60_600L);
  }

  @Test
  void jobsOfOneTriggerRunAtDifferentIntervals() {
    Set<Long> intervals = new HashSet<>();
    JOBS.forEach(j -> intervals.add(TriggerSpread.intervalMs(j, TEN_SECONDS)));
    assertThat(intervals).as("100 jobs over 201 intervals").hasSizeGreaterThan(60);
  }

  @Test
  void jobsOfOneTriggerStartTheirBatchesAcrossTheTriggerNotAtOnce() {
    long now = 1_796_000_000_123L;
    assertThat(mostStartsInOneSecond(TEN_SECONDS, now, false)).as("Spark alone: every job at the same instant").isEqualTo(100);
    // Over a day of triggers the starts stay spread: about 10 a second, never a crowd.
    for (long t = now; t < now + Duration.ofDays(1).toMillis(); t += 1_234_567) {
      assertThat(mostStartsInOneSecond(TEN_SECONDS, t, true)).as("at %d", t).isLessThanOrEqualTo(25);
    }
  }

  @Test
  void aTriggerTooShortToSpreadIsKept() {
    assertThat(TriggerSpread.intervalMs("job-1", Duration.ofMillis(99))).isEqualTo(99);
    assertThat(TriggerSpread.intervalMs("job-1", Duration.ZERO)).isZero();
  }
}

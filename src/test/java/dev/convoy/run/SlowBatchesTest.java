package dev.convoy.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoy.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SlowBatchesTest {

  private static final Duration TRIGGER = Duration.ofSeconds(10);

  private final MovableClock clock = new MovableClock(Instant.parse("2026-11-29T10:00:00Z"));
  private final SlowBatches slow = new SlowBatches(clock);
  private final UUID run = UUID.randomUUID();

  @Test
  void aRunsFirstBatchIsNeverLateButTheNextOneOverTheTriggerIs() {
    assertThat(slow.batch("sent", run, 1, 40_000, TRIGGER)).isEmpty(); // compiling Spark's code, catching up
    assertThat(slow.batch("sent", run, 2, 9_000, TRIGGER)).isEmpty();
    assertThat(slow.batch("sent", run, 3, 12_500, TRIGGER)).hasValueSatisfying(w -> assertThat(w)
        .contains("job sent: batch 3 took 12500 ms", "10.0 s trigger", "runbook: \"A job lags\"").doesNotContain("in the last"));
  }

  @Test
  void aJobIsNamedOnceThenEveryFewMinutesWithHowManyWereLate() {
    slow.batch("sent", run, 4, 1_000, TRIGGER);
    assertThat(slow.batch("sent", run, 5, 11_000, TRIGGER)).isPresent();
    clock.advance(Duration.ofMinutes(1));
    assertThat(slow.batch("sent", run, 6, 11_000, TRIGGER)).isEmpty();
    assertThat(slow.batch("sent", run, 7, 11_000, TRIGGER)).isEmpty();
    assertThat(slow.batch("opened", run, 8, 11_000, TRIGGER)).as("each job has its own run and its own warnings").isEmpty();
    assertThat(slow.batch("opened", run, 9, 11_000, TRIGGER)).isPresent();
    clock.advance(SlowBatches.REPEAT);
    assertThat(slow.batch("sent", run, 10, 11_000, TRIGGER)).hasValueSatisfying(w -> assertThat(w).contains("3 batches over it in the last 6 min"));
  }

  @Test
  void aRestartOrAForgottenJobStartsAgainWithItsFirstBatchLeftOut() {
    slow.batch("sent", run, 11, 1_000, TRIGGER);
    assertThat(slow.batch("sent", UUID.randomUUID(), 12, 30_000, TRIGGER)).as("a restarted query's first batch").isEmpty();
    slow.forget("sent");
    assertThat(slow.batch("sent", run, 13, 30_000, TRIGGER)).as("a job added again").isEmpty();
    assertThat(slow.batch("sent", run, 14, 30_000, TRIGGER)).isPresent();
  }
}

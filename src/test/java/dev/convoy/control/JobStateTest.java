package dev.convoy.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The moves a job may make between states, as on-call reads them in bin/convoy jobs. */
class JobStateTest {

  private static Set<JobState> reachableFrom(JobState from) {
    return EnumSet.copyOf(Arrays.stream(JobState.values()).filter(from::canBecome).toList());
  }

  @Test
  void aJobStartsThroughPendingAndStartingToRunning() {
    assertThat(reachableFrom(JobState.STOPPED)).containsExactlyInAnyOrder(JobState.PENDING, JobState.STOPPED);
    assertThat(reachableFrom(JobState.PENDING)).containsExactlyInAnyOrder(JobState.STARTING, JobState.STOPPED);
    assertThat(JobState.STARTING.canBecome(JobState.RUNNING)).isTrue();
    assertThat(JobState.STOPPED.canBecome(JobState.RUNNING)).as("never running without a slot").isFalse();
    assertThat(JobState.PENDING.canBecome(JobState.RUNNING)).isFalse();
  }

  @Test
  void aFailedQueryRestartsThroughRestartingOrSpendsItsBudget() {
    assertThat(reachableFrom(JobState.RUNNING)).containsExactlyInAnyOrder(JobState.RESTARTING, JobState.FAILED, JobState.STOPPED);
    assertThat(reachableFrom(JobState.RESTARTING)).containsExactlyInAnyOrder(JobState.STARTING, JobState.STOPPED);
    assertThat(JobState.STARTING.canBecome(JobState.FAILED)).as("a query that cannot even start").isTrue();
    assertThat(JobState.RESTARTING.canBecome(JobState.RUNNING)).as("a restart starts again").isFalse();
  }

  @Test
  void everyJobCanBeStoppedButAFailedOneStaysFailedUntilStarted() {
    for (JobState s : JobState.values()) assertThat(s.canBecome(JobState.STOPPED)).as("%s -> STOPPED", s).isEqualTo(s != JobState.FAILED);
    assertThat(reachableFrom(JobState.FAILED)).containsExactly(JobState.PENDING);
  }
}

package dev.convoy.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The admission order of batches: arrival order across jobs, whatever their names, weights in proportion. */
class BatchGateTest {

  private final BatchGate gate = new BatchGate(1, Clock.systemUTC());

  @Test
  void batchesAreAdmittedInArrivalOrderNotByName() throws Exception {
    List<String> admitted = new ArrayList<>();
    BatchGate.Permit holder = gate.admit("holder", 1);
    // Names that sort the other way round from their arrival.
    List<String> names = List.of("zulu", "job-9", "job-10", "alpha");
    List<Thread> threads = new ArrayList<>();
    for (String name : names) {
      threads.add(Thread.ofVirtual().start(() -> runOnce(name, admitted)));
      await().atMost(Duration.ofSeconds(10)).until(() -> gate.waitingSince(name).isPresent());
    }
    holder.close();
    for (Thread t : threads) assertThat(t.join(Duration.ofSeconds(10))).isTrue();
    assertThat(admitted).containsExactlyElementsOf(names);
  }

  @Test
  void aJobThatJustRanWaitsBehindJobsThatHaveNot() throws Exception {
    BatchGate.Permit first = gate.admit("a", 1);
    first.close();
    BatchGate.Permit holder = gate.admit("holder", 1);
    List<String> admitted = new ArrayList<>();
    Thread a = Thread.ofVirtual().start(() -> runOnce("a", admitted)); // arrives first, but has had its turn
    await().atMost(Duration.ofSeconds(10)).until(() -> gate.waitingSince("a").isPresent());
    Thread b = Thread.ofVirtual().start(() -> runOnce("b", admitted));
    await().atMost(Duration.ofSeconds(10)).until(() -> gate.waitingSince("b").isPresent());
    holder.close();
    assertThat(a.join(Duration.ofSeconds(10)) && b.join(Duration.ofSeconds(10))).isTrue();
    assertThat(admitted).containsExactly("b", "a");
  }

  @Test
  @SuppressWarnings("try") // each permit is held by its try, never read
  void alwaysBusyJobsShareTurnsEquallyAndAWeightOfTwoGetsTwice() throws Exception {
    Map<String, Integer> weights = Map.of("heavy", 2, "b", 1, "a", 1, "c", 1);
    ConcurrentLinkedQueue<String> admitted = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(weights.size());
    int turns = 500;
    BatchGate.Permit holder = gate.admit("holder", 1); // every job is queued before the first turn
    for (var job : weights.entrySet()) {
      Thread.ofVirtual().start(() -> {
        try {
          while (admitted.size() < turns) {
            try (BatchGate.Permit p = gate.admit(job.getKey(), job.getValue())) {
              admitted.add(job.getKey());
              // A batch's work: long against the pause between one job's batches, as in a driver.
              java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          done.countDown();
        }
      });
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> weights.keySet().stream().allMatch(j -> gate.waitingSince(j).isPresent()));
    holder.close();
    assertThat(done.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    Map<String, Integer> counts = new HashMap<>();
    admitted.forEach(j -> counts.merge(j, 1, Integer::sum));
    int light = Collections.min(List.of(counts.get("a"), counts.get("b"), counts.get("c")));
    int lightMax = Collections.max(List.of(counts.get("a"), counts.get("b"), counts.get("c")));
    assertThat(lightMax - light).as("equal weights, equal turns: %s", counts).isLessThanOrEqualTo(2);
    assertThat((double) counts.get("heavy") / light).as("weight 2 against 1: %s", counts).isBetween(1.9, 2.1);
  }

  @Test
  void aStoppedWaiterLeavesTheQueueAndTheNextOneIsAdmitted() throws Exception {
    BatchGate.Permit holder = gate.admit("holder", 1);
    Thread stopped = Thread.ofVirtual().start(() -> runOnce("stopped", new ArrayList<>()));
    await().atMost(Duration.ofSeconds(10)).until(() -> gate.waitingSince("stopped").isPresent());
    List<String> admitted = Collections.synchronizedList(new ArrayList<>());
    Thread next = Thread.ofVirtual().start(() -> runOnce("next", admitted));
    await().atMost(Duration.ofSeconds(10)).until(() -> gate.waitingSince("next").isPresent());
    stopped.interrupt();
    assertThat(stopped.join(Duration.ofSeconds(10))).isTrue();
    assertThat(gate.waitingSince("stopped")).isEmpty();
    holder.close();
    assertThat(next.join(Duration.ofSeconds(10))).isTrue();
    assertThat(admitted).containsExactly("next");
  }

  @SuppressWarnings("try") // the permit is held by the try, never read
  private void runOnce(String job, List<String> admitted) {
    try (BatchGate.Permit p = gate.admit(job, 1)) {
      admitted.add(job);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

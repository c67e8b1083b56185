package dev.convoy.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.convoy.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A job whose batch waits three triggers for the executors is named in the log, once a minute. */
class StarvationWatchTest {

  private final MovableClock clock = new MovableClock(Instant.parse("2026-11-27T10:00:00Z"));
  private final BatchGate gate = new BatchGate(1, clock);
  private final StarvationWatch watch = new StarvationWatch(gate, () -> Map.of("slow", Duration.ofSeconds(10), "fast", Duration.ofSeconds(1)), clock);

  @Test
  void aBatchWaitingThreeTriggersIsNamedOnceAMinuteAndForgottenOnceItRuns() throws Exception {
    BatchGate.Permit busy = gate.admit("other", 1);
    Thread slow = Thread.ofVirtual().start(() -> runOnce("slow"));
    Thread fast = Thread.ofVirtual().start(() -> runOnce("fast"));
    await().atMost(Duration.ofSeconds(10)).until(() -> gate.waitingSince("slow").isPresent() && gate.waitingSince("fast").isPresent());

    clock.advance(Duration.ofSeconds(9));
    assertThat(watch.check()).as("under 10 s, nobody is starved").isEmpty();
    clock.advance(Duration.ofSeconds(2)); // 11 s: past fast's floor of 10 s, short of slow's 3 x 10 s
    assertThat(watch.check()).singleElement().asString().startsWith("job fast: its batch has waited 11 s for the executors (11 triggers of 1 s)");
    clock.advance(Duration.ofSeconds(20)); // 31 s
    assertThat(watch.check()).singleElement().asString().startsWith("job slow: its batch has waited 31 s");
    clock.advance(Duration.ofSeconds(30));
    assertThat(watch.check()).as("not again within the minute").isEmpty();
    clock.advance(Duration.ofSeconds(31));
    assertThat(watch.check()).hasSize(2);

    busy.close();
    assertThat(slow.join(Duration.ofSeconds(10)) && fast.join(Duration.ofSeconds(10))).isTrue();
    assertThat(watch.check()).isEmpty();
  }

  @SuppressWarnings("try") // the permit is held by the try, never read
  private void runOnce(String job) {
    try (BatchGate.Permit p = gate.admit(job, 1)) {
      // the batch's work
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

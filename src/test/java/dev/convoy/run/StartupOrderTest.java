package dev.convoy.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.convoy.source.BatchHold;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StartupOrderTest {

  private final List<String> log = new CopyOnWriteArrayList<>();

  private StartupOrder order(Duration longest, String... jobs) {
    StartupOrder order = new StartupOrder(List.of(jobs), longest, Clock.systemUTC(), log::add);
    order.begin();
    return order;
  }

  @Test
  void aJobsSecondTriggerWaitsUntilEveryOtherJobHasRunItsFirst() throws Exception {
    StartupOrder order = order(Duration.ofMinutes(5), "a", "b", "c");
    BatchHold a = order.holdFor("a");
    a.await(); // a's first trigger reads at once

    Thread second = Thread.ofVirtual().start(() -> awaitQuietly(a));
    await().atMost(Duration.ofSeconds(10)).until(() -> order.holding("a"));
    await().atMost(Duration.ofSeconds(10)).until(() -> order.held("a").compareTo(Duration.ofMillis(50)) > 0);
    assertThat(order.held("b")).isZero();
    order.holdFor("b").await(); // b's first trigger: not held either
    order.settled("b");
    assertThat(order.holding("a")).as("c has not run its first trigger").isTrue();

    order.settled("c");
    assertThat(second.join(Duration.ofSeconds(10))).as("a's second trigger proceeds once c is done").isTrue();
    assertThat(order.holding("a")).isFalse();
    assertThat(order.held("a")).isZero();
    assertThat(log).singleElement().asString().startsWith("start-up: all 3 jobs ran their first trigger within ");
  }

  @Test
  void aJobsSecondTriggerSaysItsFirstIsDone() throws Exception {
    StartupOrder order = order(Duration.ofMinutes(5), "a", "b");
    BatchHold a = order.holdFor("a");
    BatchHold b = order.holdFor("b");
    a.await();
    b.await();
    Thread aSecond = Thread.ofVirtual().start(() -> awaitQuietly(a));
    await().atMost(Duration.ofSeconds(10)).until(() -> order.holding("a"));
    b.await(); // b's second trigger: its first ended, which was the last; nobody waits any more

    assertThat(aSecond.join(Duration.ofSeconds(10))).isTrue();
    assertThat(order.during(Instant.now().plusSeconds(1))).as("a batch begun after the start-up").isFalse();
  }

  @Test
  void aRestartedRunReadsItsFirstTriggerAtOnce() throws Exception {
    StartupOrder order = order(Duration.ofMinutes(5), "a", "b");
    BatchHold firstRun = order.holdFor("a");
    firstRun.await();
    BatchHold secondRun = order.holdFor("a"); // the query failed and started again from its checkpoint
    Thread t = Thread.ofVirtual().start(() -> awaitQuietly(secondRun));
    assertThat(t.join(Duration.ofSeconds(10))).isTrue();
    assertThat(order.holding("a")).isFalse();
  }

  @Test
  void aJobThatNeverRunsAFirstTriggerHoldsTheOthersNoLongerThanTheLimit() throws Exception {
    StartupOrder order = order(Duration.ofMillis(300), "a", "stuck");
    BatchHold a = order.holdFor("a");
    a.await();
    long started = System.nanoTime();
    a.await();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    assertThat(log).singleElement().asString().startsWith("start-up: 1 of 2 jobs had not run a first trigger within ").contains("(stuck)");

    started = System.nanoTime();
    a.await();
    assertThat(order.holding("a")).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("after the start-up nothing waits").isLessThan(Duration.ofMillis(250));
  }

  @Test
  void aStopInterruptsAHeldTrigger() throws Exception {
    StartupOrder order = order(Duration.ofMinutes(5), "a", "b");
    BatchHold a = order.holdFor("a");
    a.await();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread held = Thread.ofVirtual().start(() -> {
      try {
        a.await();
      } catch (Throwable t) {
        thrown.set(t);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> order.holding("a"));
    held.interrupt();
    assertThat(held.join(Duration.ofSeconds(10))).isTrue();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertThat(order.holding("a")).isFalse();
  }

  @Test
  void batchesThatBeganDuringTheStartUpAreKnownAsSuch() {
    StartupOrder order = order(Duration.ofMinutes(5), "a");
    Instant early = Instant.now();
    assertThat(order.during(early)).isTrue();
    order.settled("a");
    assertThat(order.during(early)).isTrue();
    assertThat(order.during(Instant.now().plusSeconds(1))).isFalse();
  }

  @Test
  void withNoJobsOrNoneNothingIsEverHeld() throws Exception {
    for (StartupOrder order : List.of(StartupOrder.none(), order(Duration.ofMinutes(5)))) {
      BatchHold hold = order.holdFor("a");
      hold.await();
      hold.await();
      assertThat(order.during(Instant.now())).isFalse();
    }
    assertThat(log).as("nothing to say without jobs").isEmpty();
  }

  @Test
  void theLimitMustBeKnownBeforeTheStartUpIsOver() {
    StartupOrder order = new StartupOrder(List.of("a"), Duration.ofMinutes(5), Clock.systemUTC(), log::add);
    order.settled("a"); // before begin(): nothing ends yet
    assertThat(order.during(Instant.now())).isFalse();
    order.begin();
    assertThat(order.during(Instant.now().plusSeconds(1))).as("a, settled before the start, does not hold it").isFalse();
    assertThatThrownBy(() -> new StartupOrder(List.of("a"), Duration.ofSeconds(-1), Clock.systemUTC(), log::add))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void awaitQuietly(BatchHold hold) {
    try {
      hold.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

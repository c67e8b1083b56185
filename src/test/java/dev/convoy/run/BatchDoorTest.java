package dev.convoy.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A stop lets the batch in flight finish, and stops the next one before anything of it runs. */
class BatchDoorTest {

  private final BatchDoor door = new BatchDoor();

  @Test
  void closingWaitsForTheBatchInsideAndTheNextOneWaitsAtTheDoorUntilInterrupted() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Thread batch = Thread.ofVirtual().start(() -> {
      try {
        door.enter();
        inside.countDown();
        finish.await();
        door.leave();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    inside.await();
    AtomicBoolean closed = new AtomicBoolean();
    Thread stop = Thread.ofVirtual().start(() -> {
      try {
        closed.set(door.close(Duration.ofMinutes(1)));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(stop::isAlive);
    finish.countDown();
    stop.join();
    batch.join();
    assertThat(closed).as("the batch inside left before the close returned").isTrue();

    AtomicBoolean interrupted = new AtomicBoolean();
    Thread next = Thread.ofVirtual().start(() -> {
      try {
        door.enter();
      } catch (InterruptedException e) {
        interrupted.set(true);
      }
    });
    await().atMost(Duration.ofSeconds(5)).until(door::batchWaiting);
    assertThat(door.awaitQuiet(Duration.ofSeconds(1), () -> false)).isTrue();
    next.interrupt(); // what Spark's stop() does to the query's thread
    next.join();
    assertThat(interrupted).isTrue();
  }

  @Test
  void aBatchThatDoesNotFinishInTimeIsLeftToTheStop() throws Exception {
    door.enter();
    assertThat(door.close(Duration.ofMillis(50))).isFalse();
    door.leave();
    door.open();
    door.enter(); // open again after a start
    door.leave();
  }
}

package dev.convoy.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The status page's sparkline data: bounded per job, whatever the trigger. */
class BatchHistoryTest {

  private final BatchHistory history = new BatchHistory();

  @Test
  void batchesWithinOneStepShareAPointThatKeepsTheLargerValues() {
    history.add("a", 0, 100, 5);
    history.add("a", 1_000, 300, 2);
    history.add("a", 4_999, 200, 9);
    history.add("a", 5_000, 50, 1);

    assertThat(history.since(5_000).get("a")).containsExactly(new BatchHistory.Point(0, 300, 9), new BatchHistory.Point(5_000, 50, 1));
  }

  @Test
  void pointsOlderThanTheWindowAreDroppedAndAFastJobKeepsAtMostOnePointPerStep() {
    long window = BatchHistory.WINDOW.toMillis();
    for (long t = 0; t <= 2 * window; t += 500) history.add("fast", t, t, 0);

    List<BatchHistory.Point> points = history.since(2 * window).get("fast");
    assertThat(points).hasSize((int) (window / BatchHistory.STEP.toMillis()) + 1);
    assertThat(points.getFirst().at()).isGreaterThanOrEqualTo(window);
    assertThat(points.getLast().batchMs()).isEqualTo(2 * window);
  }

  @Test
  void aForgottenJobHasNoPast() {
    history.add("a", 0, 1, 1);
    history.forget("a");
    assertThat(history.since(0)).doesNotContainKey("a");
  }
}

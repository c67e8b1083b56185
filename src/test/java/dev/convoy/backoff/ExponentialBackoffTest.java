package dev.convoy.backoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExponentialBackoffTest {

  private final ExponentialBackoff backoff = new ExponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(5));

  @Test
  void theCeilingDoublesFromTheBaseUpToTheCapAndNeverOverflows() {
    assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofMillis(3_200));
    assertThat(backoff.ceiling(7)).isEqualTo(Duration.ofSeconds(5));
    assertThat(backoff.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5));
    assertThat(new ExponentialBackoff(Duration.ofDays(365), Duration.ofDays(3650)).ceiling(64)).isEqualTo(Duration.ofDays(3650));
  }

  @Test
  void equalJitterStaysBetweenHalfTheCeilingAndTheCeilingAndVaries() {
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 2_000; i++) {
      long ms = backoff.equalJitter(4).toMillis();
      min = Math.min(min, ms);
      max = Math.max(max, ms);
    }
    assertThat(min).isGreaterThanOrEqualTo(400);
    assertThat(max).isLessThanOrEqualTo(800);
    assertThat(max - min).as("retries that failed together spread out").isGreaterThan(200);
  }

  @Test
  void aBackoffThatCannotWaitIsRefused() {
    assertThatThrownBy(() -> new ExponentialBackoff(Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("positive");
    assertThatThrownBy(() -> new ExponentialBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("below its base");
  }
}

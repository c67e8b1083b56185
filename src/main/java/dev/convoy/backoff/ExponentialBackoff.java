package dev.convoy.backoff;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits that double from {@code base} with each attempt, up to {@code cap}. {@link #ceiling} is the
 * plain wait (a supervisor's restart, where one job does not race others); {@link #equalJitter} draws
 * between half the ceiling and the ceiling, so callers that failed together (throttled shards, jobs
 * whose warehouse went away) do not retry in step, yet still wait at least half as long.
 */
public record ExponentialBackoff(Duration base, Duration cap) {

  public ExponentialBackoff {
    if (base.isNegative() || base.isZero()) throw new IllegalArgumentException("backoff base must be positive, not " + base);
    if (cap.compareTo(base) < 0) throw new IllegalArgumentException("backoff cap " + cap + " is below its base " + base);
  }

  /** {@code base × 2^(attempt − 1)}, at most {@code cap}; attempt 1 waits {@code base}. */
  public Duration ceiling(int attempt) {
    int doublings = Math.min(Math.max(attempt, 1) - 1, 30);
    long millis = base.toMillis() > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : base.toMillis() << doublings;
    return Duration.ofMillis(Math.min(cap.toMillis(), millis));
  }

  /** A random wait between half the ceiling and the ceiling ("equal jitter"). */
  public Duration equalJitter(int attempt) {
    long ceiling = ceiling(attempt).toMillis();
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
  }
}

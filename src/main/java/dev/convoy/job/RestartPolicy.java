package dev.convoy.job;

import dev.convoy.backoff.ExponentialBackoff;
import java.time.Duration;

/** How the supervisor restarts a failed query: exponential backoff, at most {@code maxRestarts} in a row. */
public record RestartPolicy(int maxRestarts, Duration backoff, Duration maxBackoff) {
  public RestartPolicy {
    new ExponentialBackoff(backoff, maxBackoff); // refuses a zero backoff or a cap below it at start-up, not at the first restart
  }

  /** No jitter: one job restarting races nobody. */
  public Duration delay(int restart) {
    return new ExponentialBackoff(backoff, maxBackoff).ceiling(restart);
  }
}

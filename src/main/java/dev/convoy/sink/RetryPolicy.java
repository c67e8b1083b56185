package dev.convoy.sink;

import dev.convoy.backoff.ExponentialBackoff;
import java.time.Duration;

/**
 * How the sink retries a batch, by {@link Failure}: a {@code CONFLICT} up to {@code maxAttempts}
 * times with exponential backoff; an unreachable warehouse (or one out of connections) for as long as
 * {@code outageLimit}, with backoff capped at {@code maxBackoff}; then the batch fails loudly (Spark
 * retries it; the ledger keeps it exact). Backoff is "equal jitter": half fixed, half random.
 */
public record RetryPolicy(int maxAttempts, Duration baseBackoff, Duration maxBackoff, Duration outageLimit) {

  public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofHours(2));

  /** The connection limit is not lifted by hammering the cluster: wait at least this long between tries. */
  static final Duration CONNECTION_LIMIT_BACKOFF = Duration.ofSeconds(10);

  public RetryPolicy {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
    if (outageLimit.isNegative()) throw new IllegalArgumentException("outageLimit must not be negative");
    new ExponentialBackoff(baseBackoff, maxBackoff); // refuses a zero base or a cap below it, here rather than at the first retry
  }

  public RetryPolicy(int maxAttempts, Duration baseBackoff, Duration maxBackoff) {
    this(maxAttempts, baseBackoff, maxBackoff, DEFAULT.outageLimit());
  }

  public RetryPolicy withOutageLimit(Duration limit) {
    return new RetryPolicy(maxAttempts, baseBackoff, maxBackoff, limit);
  }

  Duration backoff(Failure failure, int attempt) {
    ExponentialBackoff backoff = new ExponentialBackoff(baseBackoff, maxBackoff);
    if (failure == Failure.CONNECTION_LIMIT && backoff.ceiling(attempt).compareTo(CONNECTION_LIMIT_BACKOFF) < 0) {
      backoff = new ExponentialBackoff(CONNECTION_LIMIT_BACKOFF, CONNECTION_LIMIT_BACKOFF);
    }
    return backoff.equalJitter(attempt);
  }
}

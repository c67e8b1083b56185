package dev.convoy.sink;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

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
  }

  public RetryPolicy(int maxAttempts, Duration baseBackoff, Duration maxBackoff) {
    this(maxAttempts, baseBackoff, maxBackoff, DEFAULT.outageLimit());
  }

  public RetryPolicy withOutageLimit(Duration limit) {
    return new RetryPolicy(maxAttempts, baseBackoff, maxBackoff, limit);
  }

  Duration backoff(Failure failure, int attempt) {
    long cap = Math.min(maxBackoff.toMillis(), baseBackoff.toMillis() << Math.min(attempt - 1, 20));
    if (failure == Failure.CONNECTION_LIMIT) cap = Math.max(cap, CONNECTION_LIMIT_BACKOFF.toMillis());
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
  }
}

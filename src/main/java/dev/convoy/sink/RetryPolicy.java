package dev.convoy.sink;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How the sink retries a batch after a transient error: exponential backoff with full jitter, up to
 * {@code maxAttempts}; then the batch fails loudly (Spark retries it; the ledger keeps it exact).
 */
public record RetryPolicy(int maxAttempts, Duration baseBackoff, Duration maxBackoff) {

  public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofMillis(200), Duration.ofSeconds(10));

  public RetryPolicy {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
  }

  Duration backoff(int attempt) {
    long cap = Math.min(maxBackoff.toMillis(), baseBackoff.toMillis() << Math.min(attempt - 1, 20));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
  }

  /**
   * Connection loss (SQLState 08…, an I/O error, PgBouncer or the server going away), serialization
   * conflicts (40001, Redshift's "Serializable isolation violation"), deadlocks, admin shutdown
   * (57P…) and too many connections are transient; everything else (bad SQL, constraint violations,
   * permissions) is not and fails at once.
   */
  public static boolean isTransient(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException) return true;
      if (t instanceof SQLException s) {
        String state = s.getSQLState() == null ? "" : s.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P") || state.equals("40001") || state.equals("40P01")
            || state.equals("53300") || state.equals("55P03")) {
          return true;
        }
        String message = String.valueOf(s.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("serializable isolation violation") || message.contains("i/o error")
            || message.contains("connection has been closed") || message.contains("connection is closed")
            || message.contains("terminating connection") || message.contains("server closed the connection")) {
          return true;
        }
      }
    }
    return false;
  }
}

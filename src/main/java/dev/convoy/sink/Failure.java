package dev.convoy.sink;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Locale;

/**
 * What a failed warehouse call means for the batch, read from Redshift's and PostgreSQL's error
 * vocabulary (SQLSTATE first, then the message, which carries the server's DETAIL because the
 * connection sets {@code logServerErrorDetail}).
 */
public enum Failure {
  /** Another transaction won: Redshift's 1023, SNAPSHOT's write conflict, 40001, a deadlock. Retry at once, a few times. */
  CONFLICT,
  /** The warehouse is away: refused, reset or closed connections, admin shutdown. Wait for it, up to the outage limit. */
  UNREACHABLE,
  /** The cluster has no connection left for us. Wait longer between tries, up to the outage limit. */
  CONNECTION_LIMIT,
  /** Bad SQL, a constraint, a permission: retrying cannot help. */
  PERMANENT;

  public boolean isTransient() {
    return this != PERMANENT;
  }

  public static Failure of(Throwable error) {
    Failure found = PERMANENT;
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      Failure f = classify(t);
      // A conflict or the connection limit says more than the I/O error wrapped around it.
      if (f == CONFLICT || f == CONNECTION_LIMIT) return f;
      if (f == UNREACHABLE) found = UNREACHABLE;
    }
    return found;
  }

  private static Failure classify(Throwable t) {
    if (t instanceof IOException) return UNREACHABLE;
    if (!(t instanceof SQLException s)) return PERMANENT;
    String state = s.getSQLState() == null ? "" : s.getSQLState();
    String message = String.valueOf(s.getMessage()).toLowerCase(Locale.ROOT);
    if (state.equals("53300") || message.contains("too many connections")
        || (message.contains("connection limit") && message.contains("exceeded"))
        || message.contains("no more connections allowed")) {
      return CONNECTION_LIMIT;
    }
    if (state.equals("40001") || state.equals("40P01") || state.equals("55P03")
        || message.contains("serializable isolation violation") || message.matches("(?s).*\\berror:\\s*1023\\b.*")
        || message.contains("conflict with concurrent transaction") || message.contains("deadlock detected")) {
      return CONFLICT;
    }
    if (state.startsWith("08") || state.startsWith("57P") || message.contains("i/o error")
        || message.contains("connection has been closed") || message.contains("connection is closed")
        || message.contains("terminating connection") || message.contains("server closed the connection")
        || message.contains("connection refused") || message.contains("connection reset")
        || message.contains("connection attempt failed")) {
      return UNREACHABLE;
    }
    return PERMANENT;
  }
}

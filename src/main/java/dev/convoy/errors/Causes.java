package dev.convoy.errors;

/**
 * The message of a failure worth showing: the first one in its cause chain that is not a wrapper's.
 * Spark, the JDK and the AWS SDK wrap causes in exceptions that say nothing of their own (no message,
 * or one that ends with the cause's message); the cause below them says what went wrong.
 */
public final class Causes {

  /** Longer messages (Spark's plans, SQL) are cut: a status line or log line must stay readable. */
  static final int MAX_LENGTH = 500;

  private Causes() {}

  public static String message(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && t.getCause() != t && isWrapper(t)) t = t.getCause();
    String m = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
    return m.length() > MAX_LENGTH ? m.substring(0, MAX_LENGTH - 3) + "..." : m;
  }

  private static boolean isWrapper(Throwable t) {
    String own = t.getMessage();
    String cause = t.getCause().getMessage();
    return own == null || own.isBlank() || own.equals(t.getCause().toString()) || (cause != null && !cause.isBlank() && own.endsWith(cause));
  }
}

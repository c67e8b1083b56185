package dev.convoy.source.kinesis.proxy;

/**
 * A Kinesis call failed. {@code retryable} is true for throttling and transient faults, false for
 * what a retry cannot fix (missing stream, bad credentials, unreachable endpoint after the SDK's retries).
 */
public class KinesisAccessException extends RuntimeException {

  private final boolean retryable;

  public KinesisAccessException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }

  /** A shard iterator older than five minutes: get a new one from the last sequence number read. */
  public static final class ExpiredIterator extends KinesisAccessException {
    public ExpiredIterator(String message, Throwable cause) {
      super(message, true, cause);
    }
  }
}

package dev.convoy.cli;

/** The command line is wrong; the message names the option or argument. Exit code 2. */
public final class UsageException extends IllegalArgumentException {
  public UsageException(String message) {
    super(message);
  }
}

package dev.convoy.cli;

/** A command could not do its work; the message says why and what to do next, the exit code how it ended. */
public final class CommandFailed extends RuntimeException {

  private final int exitCode;

  public CommandFailed(int exitCode, String message) {
    super(message);
    if (exitCode == 0) throw new IllegalArgumentException("a failure exits non-zero");
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}

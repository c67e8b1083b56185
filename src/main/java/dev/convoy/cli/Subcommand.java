package dev.convoy.cli;

/** One {@code bin/convoy} command: its declared line and what it does, returning the exit code. */
public interface Subcommand {
  Command command();

  /** @return the exit code; failures a user can act on are thrown as {@link CommandFailed} or {@link UsageException} */
  int run(Args args) throws Exception;

  /** What a command does with its parsed line. */
  @FunctionalInterface
  interface Body {
    int run(Args args) throws Exception;
  }

  static Subcommand of(Command command, Body body) {
    return new Subcommand() {
      @Override
      public Command command() {
        return command;
      }

      @Override
      public int run(Args args) throws Exception {
        return body.run(args);
      }
    };
  }
}

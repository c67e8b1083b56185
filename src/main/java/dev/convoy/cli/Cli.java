package dev.convoy.cli;

import dev.convoy.errors.Causes;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;

/** Runs one subcommand from a command line and turns every way it can end into an exit code and a message. */
public final class Cli {

  private final Map<String, Subcommand> commands;
  private final PrintStream out;
  private final PrintStream err;

  public Cli(Map<String, Subcommand> commands, PrintStream out, PrintStream err) {
    this.commands = Map.copyOf(commands);
    this.out = out;
    this.err = err;
  }

  /** {@code argv[0]} names the subcommand. */
  public int run(String... argv) {
    if (argv.length == 0 || !commands.containsKey(argv[0])) {
      err.println("convoy: " + (argv.length == 0 ? "no command" : "unknown command '" + argv[0] + "'") + "; run 'bin/convoy --help' for the list");
      return 2;
    }
    Subcommand command = commands.get(argv[0]);
    String name = command.command().name();
    try {
      Args args = command.command().parse(Arrays.copyOfRange(argv, 1, argv.length));
      if (args.help()) {
        out.print(command.command().help());
        return 0;
      }
      return command.run(args);
    } catch (UsageException e) {
      err.println("convoy " + name + ": " + e.getMessage() + "; see 'bin/convoy " + name + " --help'");
      return 2;
    } catch (CommandFailed e) {
      err.println("convoy " + name + ": " + e.getMessage());
      return e.exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("convoy " + name + ": interrupted");
      return 130;
    } catch (Exception e) {
      err.println("convoy " + name + ": failed: " + Causes.message(e));
      return 1;
    }
  }
}

package dev.convoy.cli;

import java.util.List;
import java.util.Map;

/** A parsed command line: the options given (flags map to ""), the positional arguments, and whether help was asked for. */
public record Args(Command command, Map<String, String> given, List<String> positionals, boolean help) {

  public Args {
    given = Map.copyOf(given);
    positionals = List.copyOf(positionals);
  }

  /** The option's value, else its declared default, else null. */
  public String get(String name) {
    String v = given.get(name);
    return v != null ? v : command.option(name).defaultValue();
  }

  public boolean has(String name) {
    command.option(name); // a typo in a command's code fails loudly, not as "absent"
    return given.containsKey(name);
  }

  public String require(String name) {
    String v = get(name);
    if (v == null || v.isBlank()) throw new UsageException(command.option(name).form() + " is required");
    return v;
  }

  /** The positional argument declared as {@code name}. */
  public String positional(String name) {
    return positionals.get(command.positionals().indexOf(name));
  }
}

package dev.convoy.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * One command's line, declared once: its options, its positional arguments (all required), and the
 * text {@code --help} prints around them. Accepts {@code --name value}, {@code --name=value} and flags.
 *
 * @param synopsis what follows {@code bin/convoy} in the usage line
 */
public record Command(String name, String synopsis, String about, List<Option> options, List<String> positionals) {

  public Command {
    options = List.copyOf(options);
    positionals = List.copyOf(positionals);
  }

  public Command(String name, String synopsis, String about, List<Option> options) {
    this(name, synopsis, about, options, List.of());
  }

  Option option(String name) {
    return options.stream().filter(o -> o.name().equals(name)).findFirst()
        .orElseThrow(() -> new NoSuchElementException("command " + this.name + " declares no option --" + name));
  }

  public Args parse(String... args) {
    Map<String, String> given = new LinkedHashMap<>();
    List<String> rest = new ArrayList<>();
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        help = true;
        continue;
      }
      if (!a.startsWith("--")) {
        if (rest.size() >= positionals.size()) throw new UsageException("unexpected argument '" + a + "'");
        rest.add(a);
        continue;
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      String key = name;
      Option o = options.stream().filter(x -> x.name().equals(key)).findFirst()
          .orElseThrow(() -> new UsageException("unknown option --" + key));
      if (o.isFlag()) {
        if (value != null) throw new UsageException("--" + name + " takes no value");
        value = "";
      } else if (value == null) {
        if (i + 1 >= args.length) throw new UsageException("--" + name + " needs a value");
        value = args[++i];
      }
      given.put(name, value);
    }
    if (!help && rest.size() < positionals.size()) throw new UsageException(positionals.get(rest.size()) + " is required");
    return new Args(this, given, rest, help);
  }

  /** The {@code --help} text: usage, what the command does, then every option with its default. */
  public String help() {
    StringBuilder out = new StringBuilder("usage: bin/convoy ").append(synopsis).append("\n\n").append(about.strip()).append('\n');
    if (!options.isEmpty()) {
      out.append("\noptions:\n");
      int width = options.stream().mapToInt(o -> o.form().length()).max().orElse(0);
      for (Option o : options) {
        out.append(String.format("  %-" + width + "s  %s", o.form(), o.description()));
        if (o.defaultValue() != null) out.append(" (default: ").append(o.defaultValue()).append(')');
        out.append('\n');
      }
    }
    return out.toString();
  }
}

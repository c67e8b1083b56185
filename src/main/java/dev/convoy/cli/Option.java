package dev.convoy.cli;

/**
 * One option: {@code --name VALUE} (or a flag when {@code value} is null), its default (null: none)
 * and what it does, as {@code --help} prints it.
 */
public record Option(String name, String value, String defaultValue, String description) {

  public Option {
    if (!name.matches("[a-z][a-z0-9-]*")) throw new IllegalArgumentException("option name '" + name + "'");
  }

  public static Option flag(String name, String description) {
    return new Option(name, null, null, description);
  }

  public static Option value(String name, String value, String defaultValue, String description) {
    return new Option(name, value, defaultValue, description);
  }

  public boolean isFlag() {
    return value == null;
  }

  /** How the option is written in a usage line: {@code --config FILE}. */
  public String form() {
    return "--" + name + (isFlag() ? "" : " " + value);
  }
}

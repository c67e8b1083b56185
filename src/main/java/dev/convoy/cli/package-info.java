/**
 * Command lines, the one way: each {@code bin/convoy} command declares its options once
 * ({@link dev.convoy.cli.Command}, {@link dev.convoy.cli.Option}); parsing, errors and {@code --help}
 * all come from those declarations, and a command returns its exit code instead of ending the process.
 */
package dev.convoy.cli;

package dev.convoy.config;

/**
 * One key of the config, declared once: where it is, what it takes, its default and what it means.
 * {@link ConvoyConfig} reads with these; the README's tables are generated from them ({@link Keys#markdown}).
 *
 * @param defaultValue the default as the config would spell it; or, when it is computed, a description
 *     wrapped in angle brackets ({@code <the number of jobs>}); or null when the key is required
 */
public record Key(String name, String type, String defaultValue, String description) {

  /** The default as a value the parser can use (null when required or computed). */
  public String literalDefault() {
    return defaultValue == null || defaultValue.startsWith("<") ? null : defaultValue;
  }
}

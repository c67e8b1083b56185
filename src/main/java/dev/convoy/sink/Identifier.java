package dev.convoy.sink;

import java.util.regex.Pattern;

/**
 * A SQL identifier from configuration, validated before it is ever placed in SQL text (values are
 * always bound; names cannot be). Lower-case letters, digits and underscores, starting with a letter
 * or underscore, at most 127 characters (bytes, since they are ASCII), and none of Redshift's reserved
 * words: valid unquoted on both Redshift and PostgreSQL.
 */
public record Identifier(String value) {

  private static final Pattern VALID = Pattern.compile("[a-z_][a-z0-9_]{0,126}");

  public Identifier {
    if (value == null || !VALID.matcher(value).matches()) {
      throw new IllegalArgumentException("'" + value + "' is not a valid identifier: use lower-case letters, digits and "
          + "underscores, starting with a letter or underscore, at most 127 characters");
    }
    if (ReservedWords.contains(value)) {
      throw new IllegalArgumentException("'" + value + "' is a reserved word in Amazon Redshift (see \"Reserved words\" in "
          + "its Database Developer Guide); choose another name, e.g. '" + value + "_1'");
    }
  }

  /** @param what the config field, named in the error (e.g. "job clicks: table") */
  public static Identifier of(String what, String value) {
    try {
      return new Identifier(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return value;
  }
}

package dev.convoy.sink;


/**
 * How to reach Redshift: a {@code jdbc:redshift:} URL and where the credentials come from — never
 * from committed config. TLS is on unless the URL turns it off (only the local stand-in does).
 */
public record RedshiftSettings(String url, Credentials credentials) implements java.io.Serializable {

  /** Where the user name and password come from. */
  public sealed interface Credentials extends java.io.Serializable {
    /** Environment variables holding user and password (locally: {@code bin/convoy stack env}). */
    record Environment(String userVariable, String passwordVariable) implements Credentials {}

    /** An AWS Secrets Manager secret whose JSON has {@code username} and {@code password}. */
    record Secret(String secretId) implements Credentials {}

    /** {@code jdbc:redshift:iam://} URLs: the driver gets temporary credentials itself. */
    record Iam() implements Credentials {}
  }

  public RedshiftSettings {
    if (url == null || !url.startsWith("jdbc:redshift:")) {
      throw new IllegalArgumentException("redshift.url must start with jdbc:redshift: (got " + url + ")");
    }
    if (url.startsWith("jdbc:redshift:iam:") != (credentials instanceof Credentials.Iam)) {
      throw new IllegalArgumentException("redshift: a jdbc:redshift:iam:// URL needs credentials 'iam', and 'iam' needs such a URL");
    }
  }

  /** Whether the URL asks for plain text; everything else gets TLS. */
  boolean tlsDisabled() {
    return url.matches(".*[?&;]ssl=false([&;].*)?");
  }
}

package dev.convoy.config;

/** The configuration is wrong; the message names the job and the field. Raised at start-up only. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}

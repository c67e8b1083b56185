package dev.convoy.config;

/** The configuration is wrong; the message names the job and the field. Raised at start-up and by apply, never later. */
public final class ConfigException extends IllegalArgumentException {
  public ConfigException(String message) {
    super(message);
  }
}

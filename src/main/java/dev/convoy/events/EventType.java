package dev.convoy.events;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The five event types of the contract, with the names configs and reports use. */
public enum EventType {
  SENT("EmailSent"),
  OPENED("EmailOpened"),
  CLICKED("EmailClicked"),
  BOUNCED("EmailBounced"),
  UNSUBSCRIBED("Unsubscribed");

  private final String contractName;

  EventType(String contractName) {
    this.contractName = contractName;
  }

  /** The Thrift struct name, e.g. {@code EmailClicked}. */
  public String contractName() {
    return contractName;
  }

  /** The short lower-case name used in CLI options and reports, e.g. {@code clicked}. */
  public String shortName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Accepts the short name ({@code clicked}) or the contract name ({@code EmailClicked}). */
  public static EventType parse(String text) {
    for (EventType t : values()) {
      if (t.shortName().equalsIgnoreCase(text) || t.contractName.equalsIgnoreCase(text)) return t;
    }
    throw new IllegalArgumentException("unknown event type '" + text + "'; expected one of "
        + Arrays.stream(values()).map(EventType::shortName).collect(Collectors.joining(", ")));
  }
}

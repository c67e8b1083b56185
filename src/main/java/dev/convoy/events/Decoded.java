package dev.convoy.events;

/** What decoding one payload gave: an event, or the reason it is not one. */
public sealed interface Decoded {

  record Valid(Event event) implements Decoded {}

  /** {@code error} says what is wrong, naming the field where there is one. */
  record Invalid(String error) implements Decoded {}
}

package dev.convoy.sink;

/** A column of a table Convoy writes; {@code key} columns identify a row (the MERGE condition). */
public record Column(Identifier name, ColumnType type, boolean key) {

  public static Column key(String name, ColumnType type) {
    return new Column(new Identifier(name), type, true);
  }

  public static Column value(String name, ColumnType type) {
    return new Column(new Identifier(name), type, false);
  }
}

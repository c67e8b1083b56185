package dev.convoy.sink;

import java.util.Optional;

/** A table, optionally schema-qualified ({@code analytics.email_clicks}). */
public record TableName(Optional<Identifier> schema, Identifier table) {

  /** Parses {@code table} or {@code schema.table}; @param what the config field, named in errors. */
  public static TableName parse(String what, String text) {
    if (text == null) throw new IllegalArgumentException(what + ": a table name is required");
    String[] parts = text.split("\\.", -1);
    return switch (parts.length) {
      case 1 -> new TableName(Optional.empty(), Identifier.of(what, parts[0]));
      case 2 -> new TableName(Optional.of(Identifier.of(what + " (schema)", parts[0])), Identifier.of(what, parts[1]));
      default -> throw new IllegalArgumentException(what + ": '" + text + "' is not a table name (table or schema.table)");
    };
  }

  /** The same schema, another table: the ledger and dead-letter tables live beside the target. */
  public TableName sibling(String name) {
    return new TableName(schema, new Identifier(name));
  }

  public String sql() {
    return schema.map(s -> s.value() + ".").orElse("") + table.value();
  }

  @Override
  public String toString() {
    return sql();
  }
}

package dev.convoy.sink;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * A table Convoy owns: its columns (key columns first is customary, not required), and the
 * Redshift-only distribution and sort keys, used only when the warehouse is Redshift.
 */
public record TableSpec(TableName name, List<Column> columns, Optional<Identifier> distKey, List<Identifier> sortKeys) {

  public TableSpec {
    columns = List.copyOf(columns);
    sortKeys = List.copyOf(sortKeys);
    if (columns.stream().noneMatch(Column::key)) throw new IllegalArgumentException(name + ": at least one key column is required");
    var seen = new HashSet<Identifier>();
    for (Column c : columns) {
      if (!seen.add(c.name())) throw new IllegalArgumentException(name + ": column " + c.name() + " is declared twice");
    }
    distKey.ifPresent(d -> requireColumn(seen, d, "distKey"));
    sortKeys.forEach(s -> requireColumn(seen, s, "sortKeys"));
  }

  public TableSpec(TableName name, List<Column> columns) {
    this(name, columns, Optional.empty(), List.of());
  }

  private void requireColumn(java.util.Set<Identifier> columns, Identifier c, String field) {
    if (!columns.contains(c)) throw new IllegalArgumentException(name + ": " + field + " " + c + " is not a column");
  }

  public List<Column> keys() {
    return columns.stream().filter(Column::key).toList();
  }

  public List<Column> values() {
    return columns.stream().filter(c -> !c.key()).toList();
  }

  public int indexOf(Identifier column) {
    for (int i = 0; i < columns.size(); i++) if (columns.get(i).name().equals(column)) return i;
    return -1;
  }
}

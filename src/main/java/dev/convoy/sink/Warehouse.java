package dev.convoy.sink;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens connections to the warehouse. The sink owns each connection it opens. */
@FunctionalInterface
public interface Warehouse {

  Connection connect() throws SQLException;
}

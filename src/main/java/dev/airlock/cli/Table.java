package dev.airlock.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The human tables of {@code import} and {@code images}: a header in capitals, columns as wide as
 * their widest cell, two spaces between columns, no padding after the last one, and {@code -} for
 * an empty cell, so that the output reads in a terminal and splits with {@code awk}.
 */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... header) {
    columns = header.length;
    rows.add(header.clone());
  }

  Table row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(columns + " cells expected, got " + cells.length);
    }
    String[] r = new String[columns];
    for (int i = 0; i < columns; i++) {
      r[i] = cells[i] == null || cells[i].isEmpty() ? "-" : cells[i];
    }
    rows.add(r);
    return this;
  }

  /** The table, one line per row, each ending in a newline. */
  String render() {
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(r[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }
}

import type { ReactNode } from "react";
import "./data-table.css";

/** One column of a `DataTable`: its header, and the cell it shows for a row. */
export interface DataColumn<Row> {
  id: string;
  header: string;
  cell: (row: Row) => ReactNode;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
  /** Extra classes of the cell, e.g. a status colour. */
  cellClassName?: (row: Row) => string;
}

/**
 * A table of records (the Usage page's requests, the Overview's recent ones). On a wide screen it is a table that
 * scrolls sideways when it must; on a narrow one (40rem and less) each row becomes a card listing its cells under
 * their column names, so nothing scrolls sideways. It stays a table for assistive technology at every width: the
 * card labels repeat the column headers visually only (`aria-hidden`).
 */
export function DataTable<Row>(props: {
  caption: string;
  /** The name of the scrolling region (default: the caption). */
  regionLabel?: string;
  /** Show the caption above the table (otherwise it is for screen readers only). */
  captionVisible?: boolean;
  columns: ReadonlyArray<DataColumn<Row>>;
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  /** Attributes of a row's `<tr>`, e.g. test hooks. */
  rowAttributes?: (row: Row) => Record<`data-${string}`, string>;
  className?: string;
}) {
  return (
    <div
      className={`data-table-scroll${props.className ? ` ${props.className}` : ""}`}
      role="region"
      aria-label={props.regionLabel ?? props.caption}
      tabIndex={0}
    >
      <table className="data-table">
        <caption className={props.captionVisible ? undefined : "visually-hidden"}>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column.id} scope="col" className={column.numeric ? "numeric" : undefined}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)} {...props.rowAttributes?.(row)}>
              {props.columns.map((column) => {
                const classes = [column.numeric ? "numeric" : "", column.cellClassName?.(row) ?? ""].join(" ").trim();
                return (
                  <td key={column.id} className={classes || undefined}>
                    <span className="data-table-label" aria-hidden="true">
                      {column.header}
                    </span>
                    <span className="data-table-value">{column.cell(row)}</span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

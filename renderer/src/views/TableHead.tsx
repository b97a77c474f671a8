/** A table's header row; an empty name heads a column of buttons. */
export function TableHead({ columns }: { columns: string[] }): React.JSX.Element {
  return (
    <thead>
      <tr>
        {columns.map((name, i) => (
          <th key={i}>{name}</th>
        ))}
      </tr>
    </thead>
  );
}

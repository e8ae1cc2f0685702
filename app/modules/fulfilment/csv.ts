/** CSV for spreadsheets (Excel opens UTF-8 only with the BOM): RFC 4180 quoting, CRLF lines. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cell = (value: string | number) => {
    let s = String(value);
    // Formula injection: a cell starting with = + - @ is read as a formula by spreadsheets. A plain
    // number written as text ("-12.34", an amount in yuan) is no formula and stays as it is.
    if (typeof value === "string" && /^[=+\-@\t\r]/.test(s) && !/^-\d+(\.\d+)?$/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return "\uFEFF" + rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

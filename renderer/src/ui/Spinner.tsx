/** A small turning circle for work under way; decorative: the control it sits in says it is busy. */
export function Spinner(): React.JSX.Element {
  return <span className="spinner" aria-hidden="true" />;
}
